using OpenQA.Selenium;
using Xunit.Abstractions;

namespace EventDriven.WebPages.Tests;

/// <summary>axe-core on every state of the page: no serious or critical violation; and keyboard use.</summary>
[Collection(WebPagesCollection.Name)]
public sealed class When_checking_the_pages_accessibility_Specs(PagesApp app, Chromium browser, ITestOutputHelper output) : IClassFixture<Chromium>
{
    private readonly LookupPage _page = new(browser);

    [Fact]
    public void Should_find_no_serious_violation_on_the_empty_page()
    {
        browser.Open(app.Url("/"));
        browser.WaitUntil(_ => _page.Postcode.Displayed, "the form");

        AssertNoSeriousViolation("empty page");
    }

    [Fact]
    public void Should_find_no_serious_violation_on_a_result()
    {
        browser.Open(app.Url("/?postcode=M1%201AE"));
        _page.WaitForResult();

        AssertNoSeriousViolation("result");
    }

    [Fact]
    public void Should_find_no_serious_violation_on_a_problem_message()
    {
        browser.Open(app.Url("/?postcode=QQ1%201AA"));
        _page.WaitForProblem();

        AssertNoSeriousViolation("problem message");
    }

    [Fact]
    public void Should_notice_a_serious_violation_when_there_is_one()
    {
        browser.Open(app.Url("/"));
        browser.WaitUntil(_ => _page.Postcode.Displayed, "the form");
        ((IJavaScriptExecutor)browser.Driver).ExecuteScript("document.getElementById('postcode').labels[0].remove();");

        var (violations, _) = Axe.Analyze(browser.Driver);

        // The check can fail: an input without its label is a critical violation.
        Assert.Contains(violations, v => v.Id == "label" && v.Impact == "critical");
    }

    [Fact]
    public void Should_reach_the_form_from_the_keyboard_with_a_skip_link_first()
    {
        browser.Open(app.Url("/"));
        browser.WaitUntil(_ => _page.Postcode.Displayed, "the form");

        var body = browser.Driver.FindElement(By.TagName("body"));
        body.SendKeys(Keys.Tab);
        var first = browser.Driver.SwitchTo().ActiveElement();
        Assert.Equal("Skip to the lookup", first.Text);
        Assert.True(first.Displayed, "the skip link shows when it has the focus");

        first.SendKeys(Keys.Enter);
        browser.Driver.SwitchTo().ActiveElement().SendKeys(Keys.Tab);
        Assert.Equal("postcode", browser.Driver.SwitchTo().ActiveElement().GetDomAttribute("id"));
    }

    private void AssertNoSeriousViolation(string state)
    {
        var (violations, passed) = Axe.Analyze(browser.Driver);

        foreach (var violation in violations)
        {
            output.WriteLine($"{state}: {violation.Impact} {violation.Id}: {violation.Help} at {string.Join(", ", violation.Targets)}");
        }

        var serious = violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe found on the {state}: " + string.Join("; ",
            serious.Select(v => $"{v.Impact} {v.Id} ({v.Help}) at {string.Join(", ", v.Targets)}")));
        Assert.True(passed > 10, $"axe passed only {passed} rules on the {state}: did it run?");
    }
}
