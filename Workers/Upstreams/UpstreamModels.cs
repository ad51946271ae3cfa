using System.Text.Json.Serialization;

namespace EventDriven.Workers.Upstreams;

/// <summary>
/// postcodes.io's envelope: <c>{status, result}</c> on 200, <c>{status, error}</c> on 404, and for a terminated postcode
/// <c>{status, error, terminated: {postcode, year_terminated, month_terminated, longitude, latitude}}</c>
/// (postcodes.io PR #1306).
/// </summary>
internal sealed record PostcodesIoEnvelope(
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("result")] PostcodesIoResult? Result,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("terminated")] PostcodesIoTerminated? Terminated = null);

/// <param name="ForceArea">The police force area (<c>pfa</c>, e.g. "Metropolitan Police"); null where ONSPD has none.</param>
internal sealed record PostcodesIoResult(
    [property: JsonPropertyName("postcode")] string Postcode,
    [property: JsonPropertyName("country")] string? Country,
    [property: JsonPropertyName("longitude")] double? Longitude,
    [property: JsonPropertyName("latitude")] double? Latitude,
    [property: JsonPropertyName("pfa")] string? ForceArea = null);

/// <summary>
/// A terminated postcode's details. postcodes.io names the fields <c>year_terminated</c>/<c>month_terminated</c> (as on
/// <c>/terminated_postcodes</c>); <c>year</c>/<c>month</c> are read too, so a renamed field still tells the date.
/// </summary>
internal sealed record PostcodesIoTerminated(
    [property: JsonPropertyName("year_terminated")] int? YearTerminated,
    [property: JsonPropertyName("month_terminated")] int? MonthTerminated,
    [property: JsonPropertyName("year")] int? Year,
    [property: JsonPropertyName("month")] int? Month,
    [property: JsonPropertyName("longitude")] double? Longitude,
    [property: JsonPropertyName("latitude")] double? Latitude);

/// <summary>
/// One street crime as data.police.uk sends it (https://data.police.uk/docs/method/crime-street/): coordinates are
/// strings, outcome may be null, <c>location_type</c> is "Force" or "BTP" (British Transport Police),
/// <c>location_subtype</c> says what kind of place a BTP location is ("LU STATION"), <c>context</c> is free text, often empty.
/// </summary>
internal sealed record PoliceCrime(
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("persistent_id")] string? PersistentId,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("month")] string? Month,
    [property: JsonPropertyName("location")] PoliceLocation? Location,
    [property: JsonPropertyName("outcome_status")] PoliceOutcome? OutcomeStatus,
    [property: JsonPropertyName("location_type")] string? LocationType = null,
    [property: JsonPropertyName("location_subtype")] string? LocationSubtype = null,
    [property: JsonPropertyName("context")] string? Context = null);

internal sealed record PoliceLocation(
    [property: JsonPropertyName("latitude")] string? Latitude,
    [property: JsonPropertyName("longitude")] string? Longitude,
    [property: JsonPropertyName("street")] PoliceStreet? Street);

internal sealed record PoliceStreet(
    [property: JsonPropertyName("id")] long? Id,
    [property: JsonPropertyName("name")] string? Name);

internal sealed record PoliceOutcome(
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("date")] string? Date);

internal sealed record PoliceMonth([property: JsonPropertyName("date")] string Date);

/// <summary><c>/crime-last-updated</c>: <c>{"date":"2026-10-01"}</c>.</summary>
internal sealed record PoliceLastUpdated([property: JsonPropertyName("date")] string? Date);

/// <summary>One entry of <c>/crime-categories</c>: <c>{"url":"burglary","name":"Burglary"}</c>.</summary>
internal sealed record PoliceCategory(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("name")] string? Name);

[JsonSerializable(typeof(PostcodesIoEnvelope))]
[JsonSerializable(typeof(List<PoliceCrime>))]
[JsonSerializable(typeof(List<PoliceMonth>))]
[JsonSerializable(typeof(PoliceLastUpdated))]
[JsonSerializable(typeof(List<PoliceCategory>))]
internal sealed partial class UpstreamJsonContext : JsonSerializerContext;
