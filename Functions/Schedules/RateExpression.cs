using System.Globalization;

namespace EventDriven.Functions.Schedules;

/// <summary>
/// <c>rate(value unit)</c>: value a positive whole number, unit minute(s), hour(s) or day(s); EventBridge wants the
/// singular unit for 1 and the plural for anything else.
/// </summary>
/// <remarks>
/// EventBridge starts a rate schedule when the rule is created, so its phase is arbitrary. Locally the occurrences are
/// aligned to whole multiples of the period since the Unix epoch (rate(5 minutes) fires at :00, :05, ...), which is
/// predictable and the same in every process.
/// </remarks>
public sealed class RateExpression : ScheduleExpression
{
    private RateExpression(string text, TimeSpan period) : base(text) => Period = period;

    public TimeSpan Period { get; }

    public override DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        var elapsed = after.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var periodsElapsed = elapsed >= 0 ? elapsed / Period.Ticks : ((elapsed + 1) / Period.Ticks) - 1;
        return DateTimeOffset.UnixEpoch.AddTicks((periodsElapsed + 1) * Period.Ticks);
    }

    internal static bool TryParseRate(string expression, out ScheduleExpression parsed, out string error)
    {
        parsed = null!;
        var body = expression["rate(".Length..^1];
        var parts = body.Split(' ');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0))
        {
            error = "rate(...) takes a value and a unit separated by one space, e.g. rate(5 minutes).";
            return false;
        }

        if (!parts[0].All(char.IsAsciiDigit) ||
            !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            error = $"The rate value '{parts[0]}' must be a positive whole number.";
            return false;
        }

        var (singular, unit) = parts[1] switch
        {
            "minute" => (true, TimeSpan.FromMinutes(1)),
            "minutes" => (false, TimeSpan.FromMinutes(1)),
            "hour" => (true, TimeSpan.FromHours(1)),
            "hours" => (false, TimeSpan.FromHours(1)),
            "day" => (true, TimeSpan.FromDays(1)),
            "days" => (false, TimeSpan.FromDays(1)),
            _ => (false, TimeSpan.Zero),
        };
        if (unit == TimeSpan.Zero)
        {
            error = $"The rate unit '{parts[1]}' is not one of minute, minutes, hour, hours, day, days.";
            return false;
        }

        if (value == 1 && !singular)
        {
            error = $"A rate of 1 takes the singular unit: rate(1 {parts[1].TrimEnd('s')}).";
            return false;
        }

        if (value > 1 && singular)
        {
            error = $"A rate above 1 takes the plural unit: rate({value} {parts[1]}s).";
            return false;
        }

        if (value > TimeSpan.MaxValue.Ticks / unit.Ticks / 2)
        {
            error = $"The rate value {value} is too large.";
            return false;
        }

        parsed = new RateExpression(expression, TimeSpan.FromTicks(value * unit.Ticks));
        error = string.Empty;
        return true;
    }
}
