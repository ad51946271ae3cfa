using System.Text.Json;
using Deque.AxeCore.Commons;
using OpenQA.Selenium;

namespace EventDriven.WebPages.Tests;

/// <summary>One axe-core violation: its rule, impact (minor, moderate, serious, critical), help text and where.</summary>
public sealed record AxeViolation(string Id, string Impact, string Help, IReadOnlyList<string> Targets);

/// <summary>
/// axe-core (the copy bundled in Deque.AxeCore.Commons) run in the page through Selenium. Selenium.Axe 2.0.3, the
/// package made for this, is built against Selenium 3's WebDriver assembly and does not compile against Selenium 4.
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Script = new(() => new BundledAxeScriptProvider().GetScript());

    /// <summary>Runs every axe rule on the whole document; returns the violations and how many rules passed.</summary>
    public static (IReadOnlyList<AxeViolation> Violations, int Passed) Analyze(IWebDriver driver)
    {
        var js = (IJavaScriptExecutor)driver;
        js.ExecuteScript(Script.Value);
        var json = (string)js.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(JSON.stringify({ violations: r.violations, passed: r.passes.length })))
              .catch(e => done(JSON.stringify({ error: String(e) })));
            """)!;

        using var result = JsonDocument.Parse(json);
        var root = result.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"axe failed in the page: {error.GetString()}");
        }

        var violations = root.GetProperty("violations").EnumerateArray()
            .Select(v => new AxeViolation(
                v.GetProperty("id").GetString()!,
                v.GetProperty("impact").GetString() ?? "unknown",
                v.GetProperty("help").GetString()!,
                v.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("target").ToString()).ToList()))
            .ToList();
        return (violations, root.GetProperty("passed").GetInt32());
    }
}
