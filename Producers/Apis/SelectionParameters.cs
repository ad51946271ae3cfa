using System.Globalization;
using System.Text;
using EventDriven.Contracts.Police;
using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventDriven.Producers.Apis;

/// <summary>The query parameters that select months and a category (<see cref="ResultSelection"/>), read and judged once for every API.</summary>
internal static class SelectionParameters
{
    /// <summary>Seconds to wait before asking again while the police's list is unknown.</summary>
    private const string UnknownRetryAfter = "5";

    /// <summary>
    /// Reads <c>month</c>, <c>months</c> and <c>category</c> from the query. A bad value is a 400 problem naming what is
    /// valid (the months the police list, the categories they use); while that list is unknown (no process has checked the
    /// police yet) a request that needs it is a 503 with Retry-After.
    /// </summary>
    public static bool TryParse(
        HttpContext http, PolicePublication? publication, out ResultSelection selection, out ProblemHttpResult? problem)
    {
        var query = http.Request.Query;
        selection = ResultSelection.Newest(publication);
        problem = null;
        var month = query[ResultSelection.MonthParameter];
        var months = query[ResultSelection.MonthsParameter];
        var category = query[ResultSelection.CategoryParameter];
        if (month.Count > 1 || months.Count > 1 || category.Count > 1)
        {
            problem = Problems.BadRequest("Invalid query", "Give month, months and category at most once each.");
            return false;
        }

        if (month.Count == 1 && months.Count == 1)
        {
            problem = Problems.BadRequest("Invalid months",
                "Give month or months, not both: month=YYYY-MM picks one month, months=N the N newest (1 to 12).");
            return false;
        }

        if (month.Count + months.Count + category.Count == 0)
        {
            return true;
        }

        IReadOnlyList<string> chosen = selection.Months;
        var canonical = new StringBuilder();
        if (month.Count == 1)
        {
            var text = month.ToString();
            if (!IsMonth(text))
            {
                problem = Problems.BadRequest("Invalid month", $"month is a police month written YYYY-MM{ListedMonths(publication, ", one of: ")}.",
                    Available(publication));
                return false;
            }

            if (publication is null)
            {
                problem = Unknown(http);
                return false;
            }

            if (!publication.Lists(text))
            {
                problem = Problems.BadRequest("Month not published",
                    $"data.police.uk has no street crimes for {text}. Months available, newest first: {string.Join(", ", publication.Months)}.",
                    Available(publication));
                return false;
            }

            chosen = [text];
            canonical.Append(CultureInfo.InvariantCulture, $"{ResultSelection.MonthParameter}={text}");
        }

        if (months.Count == 1)
        {
            if (!int.TryParse(months.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > ResultSelection.MaxMonths)
            {
                problem = Problems.BadRequest("Invalid months",
                    $"months is a whole number from 1 to {ResultSelection.MaxMonths}: the newest N months the police list, newest first.");
                return false;
            }

            if (publication is null)
            {
                problem = Unknown(http);
                return false;
            }

            chosen = publication.Newest(count);
            canonical.Append(CultureInfo.InvariantCulture, $"{ResultSelection.MonthsParameter}={count}");
        }

        string? slug = null;
        if (category.Count == 1)
        {
            var text = category.ToString().Trim().ToLowerInvariant();
            if (publication is null)
            {
                problem = Unknown(http);
                return false;
            }

            if (!publication.HasCategory(text))
            {
                problem = Problems.BadRequest("Invalid category",
                    $"'{Shorten(category.ToString())}' is not a data.police.uk crime category. Valid: {string.Join(", ", publication.Categories.Select(c => c.Url))}.",
                    new Dictionary<string, object?> { ["validCategories"] = publication.Categories.Select(c => c.Url).ToList() });
                return false;
            }

            // "all-crime" is the police's name for no filter.
            slug = text == PolicePublication.AllCrime ? null : text;
            canonical.Append(canonical.Length > 0 ? "&" : string.Empty).Append(CultureInfo.InvariantCulture, $"{ResultSelection.CategoryParameter}={text}");
        }

        selection = new ResultSelection(chosen, slug, canonical.Length > 0 ? "?" + canonical : string.Empty);
        return true;
    }

    private static bool IsMonth(string text) =>
        text.Length == 7 && DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static string ListedMonths(PolicePublication? publication, string prefix) =>
        publication is null ? " (e.g. 2026-09)" : prefix + string.Join(", ", publication.Months);

    private static Dictionary<string, object?>? Available(PolicePublication? publication) =>
        publication is null ? null : new Dictionary<string, object?> { ["availableMonths"] = publication.Months };

    /// <summary>Echo at most a little of what was sent: a problem is no place to reflect a megabyte.</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static ProblemHttpResult Unknown(HttpContext http)
    {
        http.Response.Headers.RetryAfter = UnknownRetryAfter;
        return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Police data not known yet",
            "The months and categories data.police.uk publishes are not known yet (the service has just started); try again in a few seconds.");
    }
}
