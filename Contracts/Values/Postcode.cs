using System.Diagnostics.CodeAnalysis;

namespace EventDriven.Contracts.Values;

/// <summary>
/// A UK postcode in its normalised form (<c>SW1A 1AA</c>). Parsing accepts any case and spacing and applies
/// the official format's letter rules per position; everything else is rejected with a reason.
/// </summary>
public readonly record struct Postcode
{
    /// <summary>Longest raw input worth looking at: the longest postcode (8 chars) with generous spacing.</summary>
    public const int MaxInputLength = 16;

    // Letters allowed per position, from the Royal Mail / BS 7666 rules.
    private const string FirstLetters = "ABCDEFGHIJKLMNOPRSTUWYZ";          // not Q V X
    private const string SecondLetters = "ABCDEFGHKLMNOPQRSTUVWXY";         // not I J Z
    private const string ThirdLettersA9A = "ABCDEFGHJKPSTUW";               // third position of A9A
    private const string FourthLettersAA9A = "ABEHMNPRVWXY";                // fourth position of AA9A
    private const string InwardLetters = "ABDEFGHJLNPQRSTUWXYZ";            // not C I K M O V

    private Postcode(string outward, string inward)
    {
        Outward = outward;
        Inward = inward;
    }

    /// <summary>Outward code, e.g. <c>SW1A</c>.</summary>
    public string Outward { get; }

    /// <summary>Inward code, e.g. <c>1AA</c>.</summary>
    public string Inward { get; }

    /// <summary>The postcode area: the leading letters of the outward code, e.g. <c>SW</c>.</summary>
    public string Area => new(Outward.TakeWhile(char.IsAsciiLetter).ToArray());

    /// <summary>The district: the outward code, e.g. <c>SW1A</c>.</summary>
    public string District => Outward;

    public string Value => $"{Outward} {Inward}";

    /// <summary>The compact form without the space, as postcodes.io accepts it in a path.</summary>
    public string Compact => Outward + Inward;

    public override string ToString() => Value;

    public static Postcode Parse(string input) =>
        TryParse(input, out var postcode, out var error) ? postcode : throw new FormatException(error);

    public static bool TryParse(string? input, out Postcode postcode) => TryParse(input, out postcode, out _);

    public static bool TryParse(string? input, out Postcode postcode, [NotNullWhen(false)] out string? error)
    {
        postcode = default;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "A postcode is required.";
            return false;
        }

        if (input.Length > MaxInputLength)
        {
            error = $"A postcode has at most 8 characters (input had {input.Length}).";
            return false;
        }

        Span<char> compact = stackalloc char[MaxInputLength];
        var length = 0;
        foreach (var c in input)
        {
            if (c == ' ')
            {
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c))
            {
                error = "A postcode holds only letters A-Z, digits and spaces.";
                return false;
            }

            compact[length++] = char.ToUpperInvariant(c);
        }

        if (length is < 5 or > 7)
        {
            error = "A postcode has 5 to 7 letters and digits, e.g. SW1A 1AA.";
            return false;
        }

        var outward = compact[..(length - 3)];
        var inward = compact[(length - 3)..length];

        if (outward.SequenceEqual("GIR") && inward.SequenceEqual("0AA"))
        {
            postcode = new Postcode("GIR", "0AA");
            error = null;
            return true;
        }

        if (!IsValidInward(inward) || !IsValidOutward(outward))
        {
            error = "Not a valid UK postcode format (e.g. SW1A 1AA, M1 1AE, B33 8TH, CR2 6XH, DN55 1PT).";
            return false;
        }

        postcode = new Postcode(new string(outward), new string(inward));
        error = null;
        return true;
    }

    private static bool IsValidInward(ReadOnlySpan<char> inward) =>
        char.IsAsciiDigit(inward[0]) && InwardLetters.Contains(inward[1]) && InwardLetters.Contains(inward[2]);

    private static bool IsValidOutward(ReadOnlySpan<char> o)
    {
        static bool L(char c, string allowed) => allowed.Contains(c);
        static bool D(char c) => char.IsAsciiDigit(c);

        return o.Length switch
        {
            // A9
            2 => L(o[0], FirstLetters) && D(o[1]),
            // A99, A9A, AA9
            3 => L(o[0], FirstLetters) && (
                (D(o[1]) && D(o[2])) ||
                (D(o[1]) && L(o[2], ThirdLettersA9A)) ||
                (L(o[1], SecondLetters) && D(o[2]))),
            // AA99, AA9A
            4 => L(o[0], FirstLetters) && L(o[1], SecondLetters) && D(o[2]) &&
                 (D(o[3]) || L(o[3], FourthLettersAA9A)),
            _ => false,
        };
    }
}
