namespace EventDriven.TestSupport;

/// <summary>Waits for a state rather than for a length of time: a busy machine only makes the wait longer, never wrong.</summary>
public static class Eventually
{
    /// <summary>Asks <paramref name="condition"/> every 200 ms until it holds; fails with <paramref name="describe"/>'s words past <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition().ConfigureAwait(false))
        {
            Xunit.Assert.True(DateTime.UtcNow < deadline, $"not within {timeout.TotalSeconds:0} s: {describe?.Invoke()}");
            await Task.Delay(200).ConfigureAwait(false);
        }
    }
}
