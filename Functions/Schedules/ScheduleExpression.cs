namespace EventDriven.Functions.Schedules;

/// <summary>
/// An EventBridge schedule expression: <c>rate(value unit)</c> or a 6-field <c>cron(...)</c>, parsed by EventBridge's
/// rules so the local scheduler fires what AWS would fire and refuses what AWS would refuse. All times are UTC.
/// </summary>
public abstract class ScheduleExpression
{
    private protected ScheduleExpression(string text) => Text = text;

    /// <summary>The expression as written, e.g. <c>rate(5 minutes)</c>.</summary>
    public string Text { get; }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when the schedule has no more.</summary>
    public abstract DateTimeOffset? GetNextOccurrence(DateTimeOffset after);

    /// <summary>The next <paramref name="count"/> occurrences after <paramref name="after"/> (fewer if the schedule ends).</summary>
    public IReadOnlyList<DateTimeOffset> GetNextOccurrences(DateTimeOffset after, int count)
    {
        var occurrences = new List<DateTimeOffset>(count);
        var cursor = after;
        while (occurrences.Count < count && GetNextOccurrence(cursor) is { } next)
        {
            occurrences.Add(next);
            cursor = next;
        }

        return occurrences;
    }

    public override string ToString() => Text;

    public static ScheduleExpression Parse(string? expression) =>
        TryParse(expression, out var parsed, out var error) ? parsed : throw new InvalidScheduleExpressionException(expression, error);

    public static bool TryParse(string? expression, out ScheduleExpression parsed, out string error)
    {
        parsed = null!;
        if (string.IsNullOrWhiteSpace(expression))
        {
            error = "A schedule expression is required: rate(value unit) or cron(minutes hours day-of-month month day-of-week year).";
            return false;
        }

        // EventBridge accepts no surrounding text and is case-sensitive about the keyword.
        if (expression.StartsWith("rate(", StringComparison.Ordinal) && expression.EndsWith(')'))
        {
            return RateExpression.TryParseRate(expression, out parsed, out error);
        }

        if (expression.StartsWith("cron(", StringComparison.Ordinal) && expression.EndsWith(')'))
        {
            return CronScheduleExpression.TryParseCron(expression, out parsed, out error);
        }

        error = "The expression must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year).";
        return false;
    }
}

/// <summary>A schedule expression EventBridge would reject; the message says why.</summary>
public sealed class InvalidScheduleExpressionException(string? expression, string reason)
    : FormatException($"Invalid schedule expression '{expression}': {reason}")
{
    public string? Expression { get; } = expression;

    public string Reason { get; } = reason;
}
