using EventDriven.Contracts.Values;

namespace EventDriven.Contracts.Tests;

public sealed class When_deriving_a_lookup_key_Specs
{
    [Theory]
    [InlineData("sw1a1aa")]
    [InlineData(" SW1A  1AA ")]
    [InlineData("sW1a 1aA")]
    [InlineData("SW1A 1AA")]
    public void Should_give_every_spelling_of_a_postcode_the_same_key_and_id(string spelling)
    {
        var canonical = LookupKey.For(Postcode.Parse("SW1A 1AA"));

        var key = LookupKey.For(Postcode.Parse(spelling));

        Assert.Equal("postcode:SW1A 1AA", key.Value);
        Assert.Equal(canonical.CorrelationId, key.CorrelationId);
        Assert.Equal(canonical, key);
        Assert.Equal(Postcode.Parse("SW1A 1AA"), key.Postcode);
        Assert.Null(key.Coordinates);
    }

    // Reference values from an independent implementation (Python's uuid.uuid5 with the project's namespace
    // 6f1c2a53-0b8e-4c55-9d2e-3c7a51e0b6a4). Stored lookups are found by these ids: they must never change.
    [Theory]
    [InlineData("SW1A 1AA", "73f28376-ff3e-51ed-8d84-1af93967176e")]
    [InlineData("GIR 0AA", "671449c3-d616-5114-8def-300641551190")]
    [InlineData("m1 1ae", "901f9149-afb3-58dc-9498-7d8630b70faf")]
    public void Should_derive_the_same_name_based_id_as_any_RFC_4122_implementation(string postcode, string expected)
    {
        Assert.Equal(Guid.Parse(expected), LookupKey.For(Postcode.Parse(postcode)).CorrelationId);
    }

    [Fact]
    public void Should_derive_the_reference_id_for_a_coordinates_key()
    {
        var key = LookupKey.For(Coordinates.Create(51.50142, -0.14158));

        Assert.Equal("coordinates:51.5014,-0.1416", key.Value);
        Assert.Equal(Guid.Parse("698ab5d2-5e36-5aa6-97ee-9f44e85febca"), key.CorrelationId);
    }

    private static readonly string[] Samples =
    [
        "SW1A 1AA", "SW1A 2AA", "SW1A 1AB", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "GIR 0AA",
        "EH1 1YZ", "TD15 1AA", "BT1 5GS", "CF10 1AA", "LS1 1UR",
    ];

    public static TheoryData<string> SamplePostcodes() => new(Samples);

    [Theory]
    [MemberData(nameof(SamplePostcodes))]
    public void Should_be_an_RFC_4122_version_5_id(string postcode)
    {
        var id = LookupKey.For(Postcode.Parse(postcode)).CorrelationId;
        var bytes = id.ToByteArray(bigEndian: true);

        Assert.Equal(5, bytes[6] >> 4);           // version nibble
        Assert.Equal(0b10, bytes[8] >> 6);        // variant 10xx (RFC 4122 / 9562)
        Assert.Equal(5, id.Version);
        Assert.Equal('5', id.ToString("D")[14]);
    }

    [Fact]
    public void Should_give_different_postcodes_different_ids()
    {
        var ids = Samples.Select(p => LookupKey.For(Postcode.Parse(p)).CorrelationId).ToHashSet();

        Assert.Equal(Samples.Length, ids.Count);
    }

    [Fact]
    public void Should_give_many_distinct_keys_distinct_ids()
    {
        // A whole district's worth of inward codes: no two may share an instance.
        var keys = (from digit in Enumerable.Range(0, 10)
                    from first in "ABDEFGHJLNPQRSTUWXYZ"
                    from second in "ABDEFGHJLNPQRSTUWXYZ"
                    select LookupKey.For(Postcode.Parse($"SW1A {digit}{first}{second}"))).ToList();

        Assert.Equal(4000, keys.Select(k => k.Value).Distinct().Count());
        Assert.Equal(4000, keys.Select(k => k.CorrelationId).Distinct().Count());
    }

    [Fact]
    public void Should_share_a_key_for_coordinates_that_round_to_the_same_point()
    {
        var a = LookupKey.For(Coordinates.Create(51.50141, -0.14159));
        var b = LookupKey.For(Coordinates.Create(51.50139, -0.14161));

        Assert.Equal("coordinates:51.5014,-0.1416", a.Value);
        Assert.Equal(a.Value, b.Value);
        Assert.Equal(a.CorrelationId, b.CorrelationId);
        Assert.Equal(Coordinates.Create(51.5014, -0.1416), a.Coordinates);
        Assert.Null(a.Postcode);
    }

    [Fact]
    public void Should_share_a_key_for_points_either_side_of_the_meridian_that_round_onto_it()
    {
        // Greenwich: -0.00001 and 0.00001 both round to longitude 0 and must not become two lookups.
        var west = LookupKey.For(Coordinates.Create(51.4779, -0.00001));
        var east = LookupKey.For(Coordinates.Create(51.4779, 0.00001));

        Assert.Equal(east.Value, west.Value);
        Assert.Equal(east.CorrelationId, west.CorrelationId);
    }

    [Fact]
    public void Should_keep_points_further_apart_than_the_precision_on_different_keys()
    {
        var a = LookupKey.For(Coordinates.Create(51.5014, -0.1416));
        var b = LookupKey.For(Coordinates.Create(51.5015, -0.1416));

        Assert.NotEqual(a.Value, b.Value);
        Assert.NotEqual(a.CorrelationId, b.CorrelationId);
    }

    public static TheoryData<string> StoredKeys() => new(
        "postcode:SW1A 1AA", "postcode:GIR 0AA", "postcode:M1 1AE", "postcode:EC1A 1BB",
        "coordinates:51.5014,-0.1416", "coordinates:52.0,-1.0", "coordinates:54.5973,-5.9301", "coordinates:51.5,0.12");

    [Theory]
    [MemberData(nameof(StoredKeys))]
    public void Should_round_trip_its_stored_form(string stored)
    {
        Assert.True(LookupKey.TryParse(stored, out var key));

        Assert.Equal(stored, key.Value);
        Assert.Equal(stored, key.ToString());
        Assert.True(LookupKey.TryParse(key.Value, out var again));
        Assert.Equal(key, again);
        Assert.Equal(key.CorrelationId, again.CorrelationId);
    }

    [Fact]
    public void Should_parse_a_stored_key_back_to_the_key_it_came_from()
    {
        var fromPostcode = LookupKey.For(Postcode.Parse("dn551pt"));
        var fromPoint = LookupKey.For(Coordinates.Create(52.629729, -1.131592));

        Assert.True(LookupKey.TryParse(fromPostcode.Value, out var parsedPostcode));
        Assert.True(LookupKey.TryParse(fromPoint.Value, out var parsedPoint));

        Assert.Equal(fromPostcode, parsedPostcode);
        Assert.Equal(fromPoint, parsedPoint);
        Assert.Equal(fromPoint.Coordinates, parsedPoint.Coordinates);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SW1A 1AA")]
    [InlineData("postcode:")]
    [InlineData("postcode:XX1 1XX")]
    [InlineData("postcode:SW1A-1AA")]
    [InlineData("POSTCODE:SW1A 1AA")]
    [InlineData("postcodes:SW1A 1AA")]
    [InlineData("coordinates:")]
    [InlineData("coordinates:51.5")]
    [InlineData("coordinates:51.5,-0.14,2")]
    [InlineData("coordinates:abc,def")]
    [InlineData("coordinates:NaN,NaN")]
    [InlineData("coordinates:1e309,0")]
    [InlineData("coordinates:48.85,2.35")]
    [InlineData("coordinates:51.5;-0.14")]
    [InlineData("51.5,-0.14")]
    [InlineData("coordinates:postcode:SW1A 1AA")]
    public void Should_reject_garbage(string? stored)
    {
        Assert.False(LookupKey.TryParse(stored, out var key));
        Assert.Null(key);
    }

    [Fact]
    public void Should_never_let_a_postcode_key_and_a_coordinates_key_collide()
    {
        var postcode = LookupKey.For(Postcode.Parse("SW1A 1AA"));
        var point = LookupKey.For(Coordinates.Create(51.501009, -0.141588));

        Assert.StartsWith(LookupKey.PostcodePrefix, postcode.Value, StringComparison.Ordinal);
        Assert.StartsWith(LookupKey.CoordinatesPrefix, point.Value, StringComparison.Ordinal);
        Assert.NotEqual(postcode.CorrelationId, point.CorrelationId);
    }
}
