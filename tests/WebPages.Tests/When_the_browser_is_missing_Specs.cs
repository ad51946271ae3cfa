using System.Diagnostics;

namespace EventDriven.WebPages.Tests;

public sealed class When_the_browser_is_missing_Specs
{
    [Theory]
    [InlineData("/nonexistent/chromium", "chromium")]
    [InlineData(null, "chromium-driver")]
    public void Should_fail_at_once_saying_what_to_install(string? browser, string package)
    {
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<InvalidOperationException>(() => new Chromium(browser ?? Chromium.BrowserPath, "/nonexistent/chromedriver"));

        Assert.Contains($"Debian's {package}", error.Message, StringComparison.Ordinal);
        Assert.Contains("bash scripts/install.d/40-chromium.sh", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"it took {clock.Elapsed}");
    }
}
