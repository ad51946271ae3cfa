using System.Collections.ObjectModel;
using System.Globalization;
using EventDriven.TestSupport;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace EventDriven.WebPages.Tests;

/// <summary>
/// One headless Chromium per test class: Debian's chromium driven through Debian's chromedriver (both from
/// scripts/install.d/40-chromium.sh; nothing is downloaded, Selenium Manager is not asked). Its resolver knows only
/// 127.0.0.1, so a page that reached for anything off this machine would fail to load it.
/// </summary>
public sealed class Chromium : IDisposable
{
    /// <summary>Where Debian puts them; <c>CHROMIUM_PATH</c> / <c>CHROMEDRIVER_PATH</c> point elsewhere.</summary>
    public static readonly string BrowserPath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";
    public static readonly string DriverPath = Environment.GetEnvironmentVariable("CHROMEDRIVER_PATH") ?? "/usr/bin/chromedriver";

    /// <summary>How long a page gets to reach a state (a lookup on the simulator takes about a second).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private readonly DirectoryInfo _profile;

    public Chromium()
        : this(BrowserPath, DriverPath)
    {
    }

    /// <summary>Starts the browser; throws at once, saying what to install, when either binary is missing.</summary>
    internal Chromium(string browserPath, string driverPath)
    {
        foreach (var (path, package) in new[] { (browserPath, "chromium"), (driverPath, "chromium-driver") })
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"{path} does not exist: the browser tests need Debian's {package}. Run `bash scripts/install.d/40-chromium.sh` " +
                    "(or scripts/test.sh, which runs it), or set CHROMIUM_PATH and CHROMEDRIVER_PATH.");
            }
        }

        _profile = Directory.CreateTempSubdirectory("webpages-chromium-");
        var options = new ChromeOptions { BinaryLocation = browserPath };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
            $"--user-data-dir={_profile.FullName}", "--window-size=1280,1000", "--lang=en-GB",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driverPath)!, Path.GetFileName(driverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        service.InitializationTimeout = TimeSpan.FromSeconds(30);
        try
        {
            Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        }
        catch
        {
            service.Dispose();
            _profile.Delete(recursive: true);
            throw;
        }

        Driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        Driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(60);
    }

    public ChromeDriver Driver { get; }

    /// <summary>Opens the address with a clean slate (the last page's log and timings are gone).</summary>
    public void Open(string url)
    {
        Driver.Navigate().GoToUrl("about:blank");
        _ = Driver.Manage().Logs.GetLog(LogType.Browser);
        Driver.Navigate().GoToUrl(url);
    }

    /// <summary>Waits until the condition holds (elements missing or replaced meanwhile count as "not yet").</summary>
    public T WaitUntil<T>(Func<IWebDriver, T> condition, string what)
    {
        var wait = new WebDriverWait(Driver, Patience) { PollingInterval = TimeSpan.FromMilliseconds(100), Message = $"waiting for {what}" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    /// <summary>The value of a script's <c>return</c>, as strings (arrays of strings come back as a list).</summary>
    public IReadOnlyList<string> Strings(string script, params object[] arguments) =>
        ((ReadOnlyCollection<object>)Driver.ExecuteScript(script, arguments)!).Select(o => Convert.ToString(o, CultureInfo.InvariantCulture)!).ToList();

    /// <summary>Every address the page loaded or fetched (the page itself, files, API calls), from Resource Timing.</summary>
    public IReadOnlyList<string> AddressesRequested() =>
        Strings("return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)];");

    /// <summary>Script errors in the console (failed loads are left out: an API's 4xx is logged as one).</summary>
    public IReadOnlyList<string> ScriptErrors() =>
        Driver.Manage().Logs.GetLog(LogType.Browser)
            .Where(e => e.Level == LogLevel.Severe && !e.Message.Contains("Failed to load resource", StringComparison.Ordinal))
            .Select(e => e.Message)
            .ToList();

    /// <summary>
    /// A screenshot of the whole page (DevTools' capture beyond the viewport) under the test output's screenshots/;
    /// with <c>WEBPAGES_UPDATE_DOCS=1</c> also into docs/screenshots/, where the README shows them. With
    /// <paramref name="through"/> (a CSS selector) it stops below that element.
    /// </summary>
    public string SaveScreenshot(string name, string? through = null)
    {
        var size = Strings(
                "const end = arguments[0] ? document.querySelector(arguments[0]).getBoundingClientRect().bottom + window.scrollY + 16 : document.body.scrollHeight;" +
                "return [document.documentElement.clientWidth, Math.ceil(end)];",
                through ?? string.Empty)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var shot = (Dictionary<string, object?>?)Driver.ExecuteCdpCommand("Page.captureScreenshot", new Dictionary<string, object?>
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new Dictionary<string, object?> { ["x"] = 0, ["y"] = 0, ["width"] = size[0], ["height"] = Math.Min(size[1], 8000), ["scale"] = 1 },
        });

        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        var path = Path.Combine(folder, $"{name}.png");
        File.WriteAllBytes(path, Convert.FromBase64String((string)shot!["data"]!));
        if (Environment.GetEnvironmentVariable("WEBPAGES_UPDATE_DOCS") is "1" or "true")
        {
            var docs = Directory.CreateDirectory(Path.Combine(RepositoryRoot.Find(), "docs", "screenshots")).FullName;
            File.Copy(path, Path.Combine(docs, $"{name}.png"), overwrite: true);
        }

        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile as it exits; the temp folder is cleaned up eventually.
        }
    }
}
