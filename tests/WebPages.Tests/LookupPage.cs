using System.Globalization;
using OpenQA.Selenium;

namespace EventDriven.WebPages.Tests;

/// <summary>The lookup page (/) as a test reads it: through its data-testid elements and data attributes.</summary>
public sealed class LookupPage(Chromium browser)
{
    public IWebDriver Driver => browser.Driver;

    public IWebElement Postcode => Driver.FindElement(By.Id("postcode"));
    public IWebElement Latitude => Driver.FindElement(By.Id("latitude"));
    public IWebElement Longitude => Driver.FindElement(By.Id("longitude"));
    public IWebElement Progress => Driver.FindElement(By.CssSelector("[data-testid=progress]"));
    public IWebElement Problem => Driver.FindElement(By.CssSelector("[data-testid=problem]"));

    /// <summary>Waits for the result to be shown: progress at Completed and the total filled in.</summary>
    public void WaitForResult() =>
        browser.WaitUntil(d => Progress.GetDomAttribute("data-status") == "Completed" && d.FindElement(By.CssSelector("[data-testid=total-crimes]")).Displayed, "the lookup's result");

    /// <summary>Waits for a problem message and returns its (title, detail).</summary>
    public (string Title, string Detail) WaitForProblem()
    {
        browser.WaitUntil(_ => Problem.FindElements(By.CssSelector("[data-testid=problem-title]")).Count > 0, "a problem message");
        return (Problem.FindElement(By.CssSelector("[data-testid=problem-title]")).Text,
            Problem.FindElement(By.CssSelector("[data-testid=problem-detail]")).Text);
    }

    public int TotalCrimes =>
        int.Parse(Driver.FindElement(By.CssSelector("[data-testid=total-crimes]")).GetDomAttribute("data-count")!, CultureInfo.InvariantCulture);

    public string Month => Driver.FindElement(By.CssSelector("[data-testid=month]")).Text;

    public string DataSource => Driver.FindElement(By.CssSelector("[data-testid=data-source]")).GetDomAttribute("data-value")!;

    /// <summary>The states the page saw while following the lookup, in order.</summary>
    public IReadOnlyList<string> StatesSeen =>
        (Progress.GetDomAttribute("data-seen") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The chart's rows: category → count.</summary>
    public IReadOnlyDictionary<string, int> Chart =>
        browser.Strings("return [...document.querySelectorAll('[data-testid=category-chart] tbody tr')].map(r => r.dataset.category + '=' + r.dataset.count);")
            .Select(s => s.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));

    /// <summary>The plot's dots: one category per dot.</summary>
    public IReadOnlyList<string> PlottedCategories =>
        browser.Strings("return [...document.querySelectorAll('[data-testid=crime-plot] circle.crime')].map(c => c.dataset.category);");

    public string PlotRadiusMiles =>
        Driver.FindElement(By.CssSelector("[data-testid=crime-plot] [data-testid=radius-circle]")).GetDomAttribute("data-radius-miles")!;

    /// <summary>The crime table's rows: street, category, outcome.</summary>
    public IReadOnlyList<string[]> TableRows =>
        browser.Strings("return [...document.querySelectorAll('[data-testid=crime-table] tbody tr')].map(r => [...r.cells].map(c => c.textContent).join('|'));")
            .Select(s => s.Split('|'))
            .ToList();
}
