using System.Globalization;
using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Persistence;
using EventDriven.Persistence.Operations;
using EventDriven.Producers.Admin;
using EventDriven.Producers.Http;
using EventDriven.Sagas;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventDriven.Producers.Apis;

/// <summary>
/// Operator endpoints: saga inspection, the unsupported-postcode registry, dead letters. All behind
/// <see cref="AdminKeyAuthentication"/>, which runs before anything of the request is bound. Query values are taken as
/// text and parsed here, so a malformed one is a 400 problem+json naming it, in every environment.
/// </summary>
public static class AdminApi
{
    public const int MaxPageSize = 200;
    public const int MaxDeadLetters = 1000;

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/" + HttpRoutes.Admin).WithTags("Admin").RequireAuthorization(AdminKeyAuthentication.PolicyName);

        admin.MapGet("/lookups", ListLookups).WithName("ListLookupsByState").WithSummary("Lookups in a state, most recently updated first");
        admin.MapGet("/lookups/{lookupId}", GetLookup).WithName("GetLookupDetails");
        admin.MapGet("/lookups/by-postcode/{**postcode}", GetLookupByPostcode).WithName("GetLookupByPostcode");
        admin.MapGet("/lookups/by-coordinates", GetLookupByCoordinates).WithName("GetLookupByCoordinates");
        admin.MapGet("/unsupported-postcodes", ListUnsupportedPostcodes).WithName("ListUnsupportedPostcodes");
        admin.MapGet("/dead-letters", ListDeadLetters).WithName("ListDeadLetters")
            .WithSummary("Dead letters per error queue: count, message type, correlation id, fault reason, time");
        admin.MapPost("/dead-letters/replay", ReplayDeadLetters).WithName("ReplayDeadLetters")
            .WithSummary("Move dead letters back to their queue (all, one queue, or one message); dryRun=true only counts");
        // History, stuck lookups, states, failure groups, paced replays, audit: Apis/OperationsApi.cs.
        admin.MapOperationsApi();
        return admin;
    }

    internal static async Task<Results<Ok<LookupStatePage>, ProblemHttpResult>> ListLookups(
        ILookupStateReader states, CancellationToken cancellationToken, string? state = null, string? limit = null, string? pageToken = null)
    {
        var name = LookupStatus.All.FirstOrDefault(s => string.Equals(s, state, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            return Problems.BadRequest("Invalid state", $"state must be one of {string.Join(", ", LookupStatus.All)}.");
        }

        if (!TryParseCount(limit, 50, MaxPageSize, out var pageSize))
        {
            return Problems.BadRequest("Invalid limit", $"limit must be a whole number between 1 and {MaxPageSize}.");
        }

        try
        {
            return TypedResults.Ok(await states.ListByStateAsync(name, pageSize, pageToken, cancellationToken: cancellationToken));
        }
        catch (InvalidPageTokenException e)
        {
            return Problems.BadRequest("Invalid page token", e.Message);
        }
    }

    internal static async Task<Results<Ok<LookupSnapshot>, ProblemHttpResult>> GetLookup(
        string lookupId, ILookupStateReader states, CancellationToken cancellationToken) =>
        Guid.TryParse(lookupId, out var id)
            ? await Find(states, id, cancellationToken)
            : Problems.BadRequest("Invalid lookup id", "A lookup id is a GUID.");

    internal static async Task<Results<Ok<LookupSnapshot>, ProblemHttpResult>> GetLookupByPostcode(
        string? postcode, ILookupStateReader states, CancellationToken cancellationToken) =>
        Postcode.TryParse(postcode, out var parsed, out var error)
            ? await Find(states, LookupKey.For(parsed).CorrelationId, cancellationToken)
            : Problems.BadRequest("Invalid postcode", error);

    internal static async Task<Results<Ok<LookupSnapshot>, ProblemHttpResult>> GetLookupByCoordinates(
        ILookupStateReader states, CancellationToken cancellationToken, string? latitude = null, string? longitude = null) =>
        Coordinates.TryParse(latitude, longitude, out var point, out var error)
            ? await Find(states, LookupKey.For(point).CorrelationId, cancellationToken)
            : Problems.BadRequest("Invalid coordinates", error);

    internal static async Task<Ok<IReadOnlyList<UnsupportedPostcodeEntry>>> ListUnsupportedPostcodes(
        IUnsupportedPostcodeRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(await registry.ListAsync(cancellationToken));

    internal static async Task<Results<Ok<DeadLetterListing>, ProblemHttpResult>> ListDeadLetters(
        IDeadLetterService deadLetters, CancellationToken cancellationToken, string? queue = null, string? max = null)
    {
        if (!TryParseCount(max, 100, MaxDeadLetters, out var count))
        {
            return Problems.BadRequest("Invalid max", $"max must be a whole number between 1 and {MaxDeadLetters}.");
        }

        try
        {
            return TypedResults.Ok(await deadLetters.ListAsync(queue, count, cancellationToken));
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("Invalid queue", e.Message);
        }
        catch (DeadLettersUnavailableException e)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Dead letters unavailable", e.Message);
        }
    }

    internal static async Task<Results<Ok<DeadLetterReplayResult>, ProblemHttpResult>> ReplayDeadLetters(
        IDeadLetterService deadLetters, IAuditTrail audit, HttpContext http, CancellationToken cancellationToken,
        string? queue = null, string? messageId = null, string? dryRun = null)
    {
        var onlyCount = false;
        if (dryRun is not null && !bool.TryParse(dryRun, out onlyCount))
        {
            return Problems.BadRequest("Invalid dryRun", "dryRun must be true or false.");
        }

        try
        {
            var result = await deadLetters.ReplayAsync(new DeadLetterReplayRequest(queue, messageId, onlyCount), cancellationToken: cancellationToken);
            if (!onlyCount)
            {
                // Immediate, unpaced replays are operator actions too (paced ones: OperationsApi, which also writes each lookup's history).
                var now = DateTimeOffset.UtcNow;
                await audit.RecordAsync(new AuditRecord(AuditRecord.NewId(now), now, AdminOperators.NameOf(http), AuditActions.Replay,
                    $"immediate replay of {queue ?? "every queue"}{(messageId is null ? string.Empty : $", message {messageId}")}", result.Replayed, "succeeded"), cancellationToken);
            }

            return TypedResults.Ok(result);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("Invalid replay", e.Message);
        }
        catch (DeadLettersUnavailableException e)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "Dead letters unavailable", e.Message);
        }
    }

    /// <summary>A whole number in 1..<paramref name="max"/>, or <paramref name="fallback"/> when the parameter is absent.</summary>
    private static bool TryParseCount(string? text, int fallback, int max, out int value)
    {
        if (text is null)
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max;
    }

    private static async Task<Results<Ok<LookupSnapshot>, ProblemHttpResult>> Find(ILookupStateReader states, Guid id, CancellationToken cancellationToken)
    {
        var state = await states.GetAsync(id, cancellationToken);
        return state is null || !state.IsStarted
            ? Problems.Of(StatusCodes.Status404NotFound, "Unknown lookup", $"No lookup has the id {id}.")
            : TypedResults.Ok(state);
    }
}
