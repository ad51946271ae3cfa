using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Producers.Admin;
using EventDriven.Sagas.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventDriven.Producers.Apis;

/// <summary>Operator endpoints: saga inspection and the unsupported-postcode registry. All behind <see cref="ApiKeyFilter"/>.</summary>
public static class AdminApi
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Admin").AddEndpointFilter<ApiKeyFilter>();

        admin.MapGet("/lookups", ListLookups).WithName("ListLookupsByState").WithSummary("Lookups in a state, most recently updated first");
        admin.MapGet("/lookups/{lookupId}", GetLookup).WithName("GetLookupDetails");
        admin.MapGet("/lookups/by-postcode/{**postcode}", GetLookupByPostcode).WithName("GetLookupByPostcode");
        admin.MapGet("/lookups/by-coordinates", GetLookupByCoordinates).WithName("GetLookupByCoordinates");
        admin.MapGet("/unsupported-postcodes", ListUnsupportedPostcodes).WithName("ListUnsupportedPostcodes");
        return admin;
    }

    internal static async Task<Results<Ok<AdminLookupPage>, ProblemHttpResult>> ListLookups(
        ILookupStateReader states, CancellationToken cancellationToken, string? state = null, int? limit = null, string? pageToken = null)
    {
        var name = LookupStatus.All.FirstOrDefault(s => string.Equals(s, state, StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            return Problems.BadRequest("Invalid state", $"state must be one of {string.Join(", ", LookupStatus.All)}.");
        }

        if (limit is < 1 or > MaxPageSize)
        {
            return Problems.BadRequest("Invalid limit", $"limit must be between 1 and {MaxPageSize}.");
        }

        var page = await states.ListByStateAsync(name, limit ?? 50, pageToken, cancellationToken: cancellationToken);
        return TypedResults.Ok(new AdminLookupPage(page.Items.Select(AdminLookupView.From).ToList(), page.NextPageToken));
    }

    internal static async Task<Results<Ok<AdminLookupView>, ProblemHttpResult>> GetLookup(
        string lookupId, ILookupStateReader states, CancellationToken cancellationToken) =>
        Guid.TryParse(lookupId, out var id)
            ? await Find(states, id, cancellationToken)
            : Problems.BadRequest("Invalid lookup id", "A lookup id is a GUID.");

    internal static async Task<Results<Ok<AdminLookupView>, ProblemHttpResult>> GetLookupByPostcode(
        string? postcode, ILookupStateReader states, CancellationToken cancellationToken) =>
        Postcode.TryParse(postcode, out var parsed, out var error)
            ? await Find(states, LookupKey.For(parsed).CorrelationId, cancellationToken)
            : Problems.BadRequest("Invalid postcode", error);

    internal static async Task<Results<Ok<AdminLookupView>, ProblemHttpResult>> GetLookupByCoordinates(
        ILookupStateReader states, CancellationToken cancellationToken, string? latitude = null, string? longitude = null) =>
        Coordinates.TryParse(latitude, longitude, out var point, out var error)
            ? await Find(states, LookupKey.For(point).CorrelationId, cancellationToken)
            : Problems.BadRequest("Invalid coordinates", error);

    internal static async Task<Ok<IReadOnlyList<UnsupportedPostcodeEntry>>> ListUnsupportedPostcodes(
        IUnsupportedPostcodeRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(await registry.ListAsync(cancellationToken));

    private static async Task<Results<Ok<AdminLookupView>, ProblemHttpResult>> Find(ILookupStateReader states, Guid id, CancellationToken cancellationToken)
    {
        var state = await states.GetAsync(id, cancellationToken);
        return state is null || string.IsNullOrEmpty(state.LookupKey)
            ? Problems.Of(StatusCodes.Status404NotFound, "Unknown lookup", $"No lookup has the id {id}.")
            : TypedResults.Ok(AdminLookupView.From(state));
    }
}
