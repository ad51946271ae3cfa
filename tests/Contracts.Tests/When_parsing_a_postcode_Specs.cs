using EventDriven.Contracts.Values;

namespace EventDriven.Contracts.Tests;

public sealed class When_parsing_a_postcode_Specs
{
    [Theory]
    // Every official outward shape, in canonical form.
    [InlineData("M1 1AE", "M1 1AE", "M", "M1", "1AE", "M11AE")]            // A9 9AA
    [InlineData("B33 8TH", "B33 8TH", "B", "B33", "8TH", "B338TH")]        // A99 9AA
    [InlineData("CR2 6XH", "CR2 6XH", "CR", "CR2", "6XH", "CR26XH")]       // AA9 9AA
    [InlineData("DN55 1PT", "DN55 1PT", "DN", "DN55", "1PT", "DN551PT")]   // AA99 9AA
    [InlineData("W1A 0AX", "W1A 0AX", "W", "W1A", "0AX", "W1A0AX")]        // A9A 9AA
    [InlineData("EC1A 1BB", "EC1A 1BB", "EC", "EC1A", "1BB", "EC1A1BB")]   // AA9A 9AA
    [InlineData("GIR 0AA", "GIR 0AA", "GIR", "GIR", "0AA", "GIR0AA")]      // Girobank, outside the letter rules
    // Any case and spacing.
    [InlineData("sw1a1aa", "SW1A 1AA", "SW", "SW1A", "1AA", "SW1A1AA")]
    [InlineData(" SW1A  1AA ", "SW1A 1AA", "SW", "SW1A", "1AA", "SW1A1AA")]
    [InlineData("sW1a 1aA", "SW1A 1AA", "SW", "SW1A", "1AA", "SW1A1AA")]
    [InlineData("SW1A1AA", "SW1A 1AA", "SW", "SW1A", "1AA", "SW1A1AA")]
    [InlineData("gir0aa", "GIR 0AA", "GIR", "GIR", "0AA", "GIR0AA")]
    [InlineData("m11ae", "M1 1AE", "M", "M1", "1AE", "M11AE")]
    [InlineData("   SW1A 1AA     ", "SW1A 1AA", "SW", "SW1A", "1AA", "SW1A1AA")] // 16 characters: the longest input looked at
    [InlineData("EH1 1YZ", "EH1 1YZ", "EH", "EH1", "1YZ", "EH11YZ")]
    [InlineData("BT1 5GS", "BT1 5GS", "BT", "BT1", "5GS", "BT15GS")]
    public void Should_accept_and_normalise_a_valid_postcode(
        string input, string canonical, string area, string outward, string inward, string compact)
    {
        Assert.True(Postcode.TryParse(input, out var postcode, out var error), error);

        Assert.Null(error);
        Assert.Equal(canonical, postcode.Value);
        Assert.Equal(canonical, postcode.ToString());
        Assert.Equal(area, postcode.Area);
        Assert.Equal(outward, postcode.Outward);
        Assert.Equal(outward, postcode.District);
        Assert.Equal(inward, postcode.Inward);
        Assert.Equal(compact, postcode.Compact);
        Assert.Equal(postcode, Postcode.Parse(input));
    }

    [Theory]
    [InlineData("sw1a1aa")]
    [InlineData("GIR 0AA")]
    [InlineData("ec1a 1bb")]
    public void Should_parse_its_own_canonical_form_back_to_an_equal_value(string input)
    {
        var postcode = Postcode.Parse(input);

        Assert.Equal(postcode, Postcode.Parse(postcode.Value));
        Assert.Equal(postcode, Postcode.Parse(postcode.Compact));
    }

    [Theory]
    // Missing
    [InlineData(null, "missing")]
    [InlineData("", "empty")]
    [InlineData(" ", "a space")]
    [InlineData("        ", "spaces")]
    [InlineData("\t", "a tab alone")]
    // Too long: 17+ characters are not looked at, even if a postcode hides inside the spaces
    [InlineData("SW1A 1AA         ", "17 characters")]
    [InlineData("SW1A1AASW1A1AASW1A1AA", "21 characters")]
    // Non-ASCII look-alikes
    [InlineData("ＳW1A 1AA", "full-width S")]
    [InlineData("SW1Ａ 1AA", "full-width A")]
    [InlineData("SW1А 1AA", "Cyrillic A")]
    [InlineData("SW1A 1AÅ", "A with ring")]
    [InlineData("SW1A 1AA\u200B", "zero-width space")]
    [InlineData("SW1A\u00A01AA", "no-break space")]
    [InlineData("SW١A 1AA", "Arabic-Indic digit")]
    // Control characters
    [InlineData("SW1A\01AA", "NUL inside")]
    [InlineData("\0", "NUL alone")]
    [InlineData("SW1A\t1AA", "tab inside")]
    [InlineData("SW1A\n1AA", "newline inside")]
    [InlineData("SW1A 1AA\r\n", "CRLF at the end")]
    // Punctuation: percent-encoding is the web layer's job, not the value type's
    [InlineData("SW1A-1AA", "hyphen")]
    [InlineData("SW1A%201AA", "percent-encoded space")]
    [InlineData("SW1A+1AA", "plus")]
    [InlineData("SW1A_1AA", "underscore")]
    [InlineData("SW1A.1AA", "dot")]
    [InlineData("../1AA", "path traversal")]
    [InlineData("' OR 1=1--", "SQL fragment")]
    [InlineData("<b>M1</b>", "markup")]
    // First letter: not Q, V, X
    [InlineData("Q1 1AA", "Q first")]
    [InlineData("V1 1AA", "V first")]
    [InlineData("X1 1AA", "X first")]
    [InlineData("QA1 1AA", "Q first of AA9")]
    // Second letter: not I, J, Z
    [InlineData("AI1 1AA", "I second")]
    [InlineData("AJ1 1AA", "J second")]
    [InlineData("AZ1 1AA", "Z second")]
    [InlineData("EZ1A 1AA", "Z second of AA9A")]
    // Third letter of A9A: only A B C D E F G H J K P S T U W
    [InlineData("W1L 1AA", "L third of A9A")]
    [InlineData("W1I 1AA", "I third of A9A")]
    [InlineData("W1Z 1AA", "Z third of A9A")]
    [InlineData("W1M 1AA", "M third of A9A")]
    // Fourth letter of AA9A: only A B E H M N P R V W X Y
    [InlineData("EC1C 1BB", "C fourth of AA9A")]
    [InlineData("SW1D 1AA", "D fourth of AA9A")]
    [InlineData("EC1L 1BB", "L fourth of AA9A")]
    [InlineData("SW1Z 1AA", "Z fourth of AA9A")]
    // Inward letters: never C I K M O V
    [InlineData("SW1A 1AC", "C inward")]
    [InlineData("SW1A 1IA", "I inward")]
    [InlineData("SW1A 1AK", "K inward")]
    [InlineData("SW1A 1MA", "M inward")]
    [InlineData("SW1A 1OA", "O inward")]
    [InlineData("SW1A 1AV", "V inward")]
    // Wrong shapes
    [InlineData("SW1A 1A", "inward too short")]
    [InlineData("SW1A 1AAA", "inward too long")]
    [InlineData("12345", "digits only")]
    [InlineData("AAA 1AA", "three-letter outward")]
    [InlineData("SW1A AAA", "inward without digit")]
    [InlineData("SW1A 11A", "inward with two digits")]
    [InlineData("1W1A 1AA", "outward starting with a digit")]
    [InlineData("SWW1 1AA", "three letters then a digit")]
    [InlineData("SW123 1AA", "outward of five")]
    [InlineData("S 1AA", "outward without digit")]
    [InlineData("1AA", "inward alone")]
    [InlineData("SW1A", "outward alone")]
    [InlineData("GIR 0AB", "near-Girobank")]
    [InlineData("GIR 1AA", "near-Girobank digit")]
    public void Should_reject_with_a_reason(string? input, string why)
    {
        Assert.False(Postcode.TryParse(input, out var postcode, out var error), $"{why}: '{input}' was accepted as {postcode}");

        Assert.False(string.IsNullOrWhiteSpace(error), why);
        Assert.Equal(default, postcode);
        Assert.False(Postcode.TryParse(input, out _));
        if (input is not null)
        {
            var thrown = Assert.Throws<FormatException>(() => Postcode.Parse(input));
            Assert.Equal(error, thrown.Message);
        }
    }

    [Theory]
    [InlineData("", "required")]
    [InlineData("SW1A 1AA         ", "at most")]
    [InlineData("SW1A-1AA", "letters A-Z, digits and spaces")]
    [InlineData("SW1A\t1AA", "letters A-Z, digits and spaces")]
    [InlineData("SW1A", "5 to 7")]
    [InlineData("SW1A 1A", "Not a valid UK postcode format")]
    [InlineData("Q1 1AA", "Not a valid UK postcode format")]
    public void Should_name_the_problem_in_the_reason(string input, string expectedInReason)
    {
        Postcode.TryParse(input, out _, out var error);

        Assert.Contains(expectedInReason, error, StringComparison.Ordinal);
    }

    // The letter rules, position by position, checked over the whole alphabet rather than a few samples.
    public static TheoryData<char> Alphabet() => new(Enumerable.Range('A', 26).Select(c => (char)c));

    [Theory]
    [MemberData(nameof(Alphabet))]
    public void Should_apply_the_first_letter_rule(char letter) =>
        Assert.Equal(!"QVX".Contains(letter), Postcode.TryParse($"{letter}1 1AA", out _));

    [Theory]
    [MemberData(nameof(Alphabet))]
    public void Should_apply_the_second_letter_rule(char letter) =>
        Assert.Equal(!"IJZ".Contains(letter), Postcode.TryParse($"A{letter}1 1AA", out _));

    [Theory]
    [MemberData(nameof(Alphabet))]
    public void Should_apply_the_third_letter_rule_of_A9A(char letter) =>
        Assert.Equal("ABCDEFGHJKPSTUW".Contains(letter), Postcode.TryParse($"W1{letter} 1AA", out _));

    [Theory]
    [MemberData(nameof(Alphabet))]
    public void Should_apply_the_fourth_letter_rule_of_AA9A(char letter) =>
        Assert.Equal("ABEHMNPRVWXY".Contains(letter), Postcode.TryParse($"EC1{letter} 1BB", out _));

    [Theory]
    [MemberData(nameof(Alphabet))]
    public void Should_apply_the_inward_letter_rule_to_both_letters(char letter)
    {
        var allowed = !"CIKMOV".Contains(letter);

        Assert.Equal(allowed, Postcode.TryParse($"SW1A 1{letter}A", out _));
        Assert.Equal(allowed, Postcode.TryParse($"SW1A 1A{letter}", out _));
    }

    [Fact]
    public void Should_treat_differently_spelt_inputs_as_equal_values()
    {
        Assert.Equal(Postcode.Parse("sw1a1aa"), Postcode.Parse(" SW1A  1AA "));
        Assert.NotEqual(Postcode.Parse("SW1A 1AA"), Postcode.Parse("SW1A 2AA"));
    }
}
