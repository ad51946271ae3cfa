using EventDriven.Contracts.Values;

namespace EventDriven.Contracts.Tests;

public sealed class When_deciding_whether_a_postcode_is_Scottish_Specs
{
    [Theory]
    [InlineData("EH1 1YZ")]   // Edinburgh
    [InlineData("G1 1XQ")]    // Glasgow: a one-letter area
    [InlineData("AB10 1AB")]  // Aberdeen
    [InlineData("DD1 1DB")]   // Dundee
    [InlineData("FK8 1HP")]   // Stirling
    [InlineData("HS1 2BW")]   // Stornoway
    [InlineData("IV1 1HY")]   // Inverness
    [InlineData("KA1 1BU")]   // Kilmarnock
    [InlineData("KW15 1NX")]  // Kirkwall
    [InlineData("KY16 9AJ")]  // St Andrews
    [InlineData("ML1 1AB")]   // Motherwell
    [InlineData("PA1 1BU")]   // Paisley
    [InlineData("PH1 5AB")]   // Perth
    [InlineData("ZE1 0AA")]   // Lerwick
    [InlineData("eh11yz")]    // any spelling
    public void Should_be_certainly_Scottish_from_the_area_alone(string postcode)
    {
        Assert.True(ScottishPostcodeAreas.IsScottish(Postcode.Parse(postcode), country: null));
    }

    [Theory]
    [InlineData("TD15 1AA")]  // Berwick-upon-Tweed: England, in a Scottish-named area
    [InlineData("TD1 1AA")]   // Galashiels: Scotland, but the area alone cannot tell
    [InlineData("DG1 1AA")]   // Dumfries: cross-border area too
    [InlineData("DG16 5AA")]  // Gretna
    public void Should_leave_cross_border_areas_to_the_geocoder(string postcode)
    {
        var parsed = Postcode.Parse(postcode);

        Assert.Null(ScottishPostcodeAreas.IsScottish(parsed, country: null));
        Assert.Contains(parsed.Area, ScottishPostcodeAreas.CrossBorderAreas);
        Assert.Contains(parsed.Area, ScottishPostcodeAreas.Areas);
    }

    [Theory]
    [InlineData("SW1A 1AA")]  // London
    [InlineData("GL1 1AA")]   // Gloucester: starts with G, but the area is GL, not G
    [InlineData("GU1 1AA")]   // Guildford
    [InlineData("E1 6AN")]    // London E, not EH
    [InlineData("EC1A 1BB")]
    [InlineData("PE1 1AA")]   // Peterborough, not PA/PH
    [InlineData("KT1 1AA")]   // Kingston, not KA/KW/KY
    [InlineData("AL1 1AA")]   // St Albans, not AB
    [InlineData("M1 1AE")]    // Manchester, not ML
    [InlineData("BT1 5GS")]   // Belfast: Northern Ireland is covered
    [InlineData("CF10 1AA")]  // Cardiff: Wales is covered
    [InlineData("LD1 5AA")]   // Llandrindod Wells
    [InlineData("CA1 1AA")]   // Carlisle, next to the border
    [InlineData("NE1 1AA")]   // Newcastle
    [InlineData("GIR 0AA")]
    public void Should_not_be_certainly_Scottish_elsewhere(string postcode)
    {
        Assert.False(ScottishPostcodeAreas.IsScottish(Postcode.Parse(postcode), country: null));
    }

    [Theory]
    [InlineData("Scotland", true)]
    [InlineData("scotland", true)]
    [InlineData("SCOTLAND", true)]
    [InlineData("sCoTlAnD", true)]
    [InlineData("England", false)]
    [InlineData("Wales", false)]
    [InlineData("Northern Ireland", false)]
    [InlineData("Channel Islands", false)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Should_recognise_the_geocoders_country_in_any_case(string? country, bool? scottish)
    {
        Assert.Equal(scottish, ScottishPostcodeAreas.IsScottish(postcode: null, country));
    }

    [Theory]
    [InlineData("TD15 1AA", "England", false)]  // Berwick: the geocoder settles the cross-border area
    [InlineData("TD1 1AA", "Scotland", true)]   // Galashiels
    [InlineData("DG16 5AA", "Scotland", true)]  // Gretna
    [InlineData("CA1 1AA", "England", false)]
    public void Should_let_the_geocoders_country_decide_once_it_is_known(string postcode, string country, bool scottish)
    {
        Assert.Equal(scottish, ScottishPostcodeAreas.IsScottish(Postcode.Parse(postcode), country));
    }
}
