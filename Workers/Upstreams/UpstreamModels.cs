using System.Text.Json.Serialization;

namespace EventDriven.Workers.Upstreams;

/// <summary>postcodes.io's envelope: <c>{status, result}</c> on 200, <c>{status, error}</c> on 404.</summary>
internal sealed record PostcodesIoEnvelope(
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("result")] PostcodesIoResult? Result,
    [property: JsonPropertyName("error")] string? Error);

internal sealed record PostcodesIoResult(
    [property: JsonPropertyName("postcode")] string Postcode,
    [property: JsonPropertyName("country")] string? Country,
    [property: JsonPropertyName("longitude")] double? Longitude,
    [property: JsonPropertyName("latitude")] double? Latitude);

/// <summary>One street crime as data.police.uk sends it: coordinates are strings, outcome may be null.</summary>
internal sealed record PoliceCrime(
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("persistent_id")] string? PersistentId,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("month")] string? Month,
    [property: JsonPropertyName("location")] PoliceLocation? Location,
    [property: JsonPropertyName("outcome_status")] PoliceOutcome? OutcomeStatus);

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

[JsonSerializable(typeof(PostcodesIoEnvelope))]
[JsonSerializable(typeof(List<PoliceCrime>))]
[JsonSerializable(typeof(List<PoliceMonth>))]
internal sealed partial class UpstreamJsonContext : JsonSerializerContext;
