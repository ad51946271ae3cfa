using System.Globalization;
using Cronos;

namespace EventDriven.Functions.Schedules;

/// <summary>
/// EventBridge's 6-field cron: <c>cron(minutes hours day-of-month month day-of-week year)</c>, UTC.
/// Fields are validated here by EventBridge's rules (exactly one of day-of-month / day-of-week is <c>?</c>;
/// <c>*</c> and <c>*/n</c> stand alone, not in a list; <c>L</c> and <c>W</c> only in day-of-month, <c>L</c> and <c>#</c> only in day-of-week; day-of-week 1-7 = SUN-SAT;
/// year 1970-2199), then the first five are handed to Cronos, which knows L, W and # but not the year field:
/// the year is filtered here.
/// </summary>
public sealed class CronScheduleExpression : ScheduleExpression
{
    public const int MinYear = 1970;
    public const int MaxYear = 2199;

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private static readonly FieldSpec Minutes = new("minutes", 0, 59, null);
    private static readonly FieldSpec Hours = new("hours", 0, 23, null);
    private static readonly FieldSpec DayOfMonth = new("day-of-month", 1, 31, null);
    private static readonly FieldSpec Month = new("month", 1, 12, MonthNames);
    private static readonly FieldSpec DayOfWeek = new("day-of-week", 1, 7, DayNames);
    private static readonly FieldSpec Year = new("year", MinYear, MaxYear, null);

    private readonly CronExpression _cron;
    private readonly bool[] _years;

    private CronScheduleExpression(string text, CronExpression cron, bool[] years) : base(text)
    {
        _cron = cron;
        _years = years;
    }

    public override DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        var cursor = after.UtcDateTime;
        // Each pass either returns or jumps to a later allowed year, so this ends within the year range.
        for (var pass = 0; pass <= MaxYear - MinYear + 1; pass++)
        {
            if (_cron.GetNextOccurrence(cursor, inclusive: false) is not { } next)
            {
                return null;
            }

            if (next.Year > MaxYear)
            {
                return null;
            }

            if (next.Year >= MinYear && _years[next.Year - MinYear])
            {
                return new DateTimeOffset(next, TimeSpan.Zero);
            }

            var nextYear = NextAllowedYear(Math.Max(next.Year + 1, MinYear));
            if (nextYear is null)
            {
                return null;
            }

            // Just before midnight on 1 January, so that midnight itself can be the next occurrence.
            cursor = new DateTime(nextYear.Value, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(-1);
        }

        return null;
    }

    private int? NextAllowedYear(int from)
    {
        for (var year = from; year <= MaxYear; year++)
        {
            if (_years[year - MinYear])
            {
                return year;
            }
        }

        return null;
    }

    internal static bool TryParseCron(string expression, out ScheduleExpression parsed, out string error)
    {
        parsed = null!;
        var fields = expression["cron(".Length..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            error = $"cron(...) needs exactly 6 fields (minutes hours day-of-month month day-of-week year); found {fields.Length}.";
            return false;
        }

        var (dayOfMonth, dayOfWeek) = (fields[2], fields[4]);
        if (dayOfMonth == "?" == (dayOfWeek == "?"))
        {
            error = dayOfMonth == "?"
                ? "Day-of-month and day-of-week cannot both be '?': one of them must say which days."
                : "Day-of-month and day-of-week cannot both be given: use '?' in one of them (e.g. cron(0 3 * * ? *)).";
            return false;
        }

        var cronos = new string[5];
        if (!TryTranslateList(fields[0], Minutes, out cronos[0], out error) ||
            !TryTranslateList(fields[1], Hours, out cronos[1], out error) ||
            !TryTranslateDayOfMonth(dayOfMonth, out cronos[2], out error) ||
            !TryTranslateList(fields[3], Month, out cronos[3], out error) ||
            !TryTranslateDayOfWeek(dayOfWeek, out cronos[4], out error) ||
            !TryParseYears(fields[5], out var years, out error))
        {
            return false;
        }

        if (!CronExpression.TryParse(string.Join(' ', cronos), CronFormat.Standard, out var cron))
        {
            error = $"The fields are not a schedule EventBridge can run ({string.Join(' ', fields)}).";
            return false;
        }

        parsed = new CronScheduleExpression(expression, cron, years);
        error = string.Empty;
        return true;
    }

    private static bool TryTranslateDayOfMonth(string field, out string translated, out string error)
    {
        translated = field;
        error = string.Empty;
        switch (field)
        {
            case "?":
                translated = "*";
                return true;
            case "L":
            case "LW":
                return true;
        }

        if (field.EndsWith('W') && !field.Contains(',', StringComparison.Ordinal))
        {
            // nW: the weekday nearest day n; one day only, no lists or ranges.
            if (!TryParseValue(field[..^1], DayOfMonth, out var day, out error))
            {
                error = $"'{field}' in day-of-month: W follows a single day number 1-31 (e.g. 15W). {error}";
                return false;
            }

            translated = day.ToString(CultureInfo.InvariantCulture) + "W";
            return true;
        }

        if (field.Contains('L', StringComparison.Ordinal) || field.Contains('W', StringComparison.Ordinal))
        {
            error = $"'{field}' in day-of-month: L and W stand alone (L, LW, or nW like 15W).";
            return false;
        }

        return TryTranslateList(field, DayOfMonth, out translated, out error);
    }

    private static bool TryTranslateDayOfWeek(string field, out string translated, out string error)
    {
        translated = field;
        error = string.Empty;
        if (field == "?")
        {
            translated = "*";
            return true;
        }

        if (field == "L")
        {
            // Quartz semantics, which EventBridge follows: L alone in day-of-week is the last day of the week, Saturday.
            translated = "6";
            return true;
        }

        if (field.Contains('#', StringComparison.Ordinal))
        {
            var parts = field.Split('#');
            if (field.Contains(',', StringComparison.Ordinal) || parts.Length != 2)
            {
                error = $"'{field}' in day-of-week: with '#' the field holds one expression only (e.g. 3#2), not a list.";
                return false;
            }

            if (!TryParseValue(parts[0], DayOfWeek, out var day, out error))
            {
                return false;
            }

            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var nth) || nth is < 1 or > 5)
            {
                error = $"'{field}' in day-of-week: the number after '#' is the week of the month, 1-5.";
                return false;
            }

            translated = $"{day - 1}#{nth}";
            return true;
        }

        if (field.Length > 1 && field.EndsWith('L') && !field.Contains(',', StringComparison.Ordinal))
        {
            // nL: the last day n of the month, e.g. 6L = last Friday.
            if (!TryParseValue(field[..^1], DayOfWeek, out var day, out error))
            {
                return false;
            }

            translated = $"{day - 1}L";
            return true;
        }

        if (field.Contains('L', StringComparison.Ordinal))
        {
            // No day name has an L, so this is L or nL inside a list or range.
            error = $"'{field}' in day-of-week: L stands alone (L, or nL like 6L for the last Friday), not in a list.";
            return false;
        }

        if (field.Contains('/', StringComparison.Ordinal))
        {
            error = $"'{field}' in day-of-week: EventBridge allows , - * ? L # there, not '/'.";
            return false;
        }

        // Cronos numbers Sunday 0, EventBridge (Quartz) 1: shift every value down by one.
        return TryTranslateList(field, DayOfWeek, out translated, out error, offset: -1);
    }

    private static bool TryParseYears(string field, out bool[] years, out string error)
    {
        years = new bool[MaxYear - MinYear + 1];
        if (!TryExpandList(field, Year, out var values, out error))
        {
            return false;
        }

        foreach (var year in values)
        {
            years[year - MinYear] = true;
        }

        return true;
    }

    /// <summary>A list of *, n, a-b, */s, n/s, a-b/s items, checked against the field's range and re-written for Cronos.</summary>
    private static bool TryTranslateList(string field, FieldSpec spec, out string translated, out string error, int offset = 0)
    {
        translated = string.Empty;
        if (!TryParseList(field, spec, out var items, out error))
        {
            return false;
        }

        // Cronos reads a list of n, a-b, n/s and a-b/s items (its ParseList), which is every item TryParseList lets into a list.
        translated = string.Join(',', items.Select(item => item.ToCronos(offset)));
        return true;
    }

    private static bool TryExpandList(string field, FieldSpec spec, out List<int> values, out string error)
    {
        values = [];
        if (!TryParseList(field, spec, out var items, out error))
        {
            return false;
        }

        foreach (var item in items)
        {
            for (var value = item.From; value <= item.To; value += item.Step)
            {
                values.Add(value);
            }
        }

        return true;
    }

    /// <summary>
    /// The comma-separated items of a field. EventBridge's syntax: ',' includes additional values, '*' includes all values
    /// in the field. We read that as: '*' is the whole field, so it (and '*/s', an increment over the whole field) stands
    /// alone; '*,1' would only repeat values and '*/5,0' is written '0/5,...'. Such a list is refused here, naming the field
    /// and the item, instead of reaching Cronos, whose parser takes '*' only as a whole field and fails without a reason.
    /// Lists of values, ranges and value-based increments ('0/15,7', '1-5,10', '10-20/5,0') stay accepted.
    /// </summary>
    private static bool TryParseList(string field, FieldSpec spec, out List<FieldItem> items, out string error)
    {
        items = [];
        var texts = field.Split(',');
        foreach (var text in texts)
        {
            if (!TryParseItem(text, spec, out var parsed, out error))
            {
                return false;
            }

            if (parsed.IsWholeField && texts.Length > 1)
            {
                var instead = parsed.HasStep
                    ? $"use '{spec.Min}/{parsed.Step},...' or '{text}' alone"
                    : $"use '{text}' alone";
                error = $"{spec.Name}: '{text}' covers the whole field and cannot be combined with other values in a list ('{field}'); {instead}.";
                return false;
            }

            items.Add(parsed);
        }

        error = string.Empty;
        return true;
    }

    private static bool TryParseItem(string item, FieldSpec spec, out FieldItem parsed, out string error)
    {
        parsed = default;
        if (item.Length == 0)
        {
            error = $"Empty item in {spec.Name} (check the commas).";
            return false;
        }

        var slash = item.Split('/');
        if (slash.Length > 2)
        {
            error = $"'{item}' in {spec.Name}: at most one '/'.";
            return false;
        }

        var step = 1;
        var hasStep = slash.Length == 2;
        if (hasStep && (!int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1 || step > spec.MaxStep))
        {
            error = $"'{item}' in {spec.Name}: the increment after '/' must be a whole number from 1 to {spec.MaxStep}.";
            return false;
        }

        var range = slash[0];
        int from, to;
        if (range == "*")
        {
            (from, to) = (spec.Min, spec.Max);
        }
        else if (range.Split('-') is { Length: 2 } bounds)
        {
            if (!TryParseValue(bounds[0], spec, out from, out error) || !TryParseValue(bounds[1], spec, out to, out error))
            {
                return false;
            }

            if (from > to)
            {
                error = $"'{item}' in {spec.Name}: the range starts after it ends.";
                return false;
            }
        }
        else if (TryParseValue(range, spec, out from, out error))
        {
            // n/s runs from n to the end of the field; a bare n is just n.
            to = hasStep ? spec.Max : from;
        }
        else
        {
            return false;
        }

        parsed = new FieldItem(from, to, step, IsWholeField: range == "*", HasStep: hasStep, IsRange: range.Contains('-', StringComparison.Ordinal));
        error = string.Empty;
        return true;
    }

    private static bool TryParseValue(string text, FieldSpec spec, out int value, out string error)
    {
        error = string.Empty;
        value = 0;
        if (text.Length > 0 && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            if (value < spec.Min || value > spec.Max)
            {
                error = $"'{text}' is outside {spec.Name}'s range {spec.Min}-{spec.Max}.";
                return false;
            }

            return true;
        }

        if (spec.Names is { } names)
        {
            var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                value = spec.Min + index;
                return true;
            }

            error = $"'{text}' is not a {spec.Name} value: use {spec.Min}-{spec.Max} or {names[0]}-{names[^1]}.";
            return false;
        }

        error = $"'{text}' is not a {spec.Name} value: use {spec.Min}-{spec.Max}" +
            (spec == DayOfMonth ? ", ? or L/W forms." : spec == Minutes || spec == Hours || spec == Year ? " with , - * /." : ".");
        return false;
    }

    private sealed record FieldSpec(string Name, int Min, int Max, string[]? Names)
    {
        /// <summary>Largest '/' increment Quartz (and so EventBridge) accepts in the field.</summary>
        public int MaxStep => Name == "year" ? Max - Min : Max;
    }

    private readonly record struct FieldItem(int From, int To, int Step, bool IsWholeField, bool HasStep, bool IsRange)
    {
        public string ToCronos(int offset)
        {
            var range = IsWholeField ? "*"
                : IsRange || HasStep ? $"{From + offset}-{To + offset}"
                : (From + offset).ToString(CultureInfo.InvariantCulture);
            return HasStep ? $"{range}/{Step}" : range;
        }
    }
}
