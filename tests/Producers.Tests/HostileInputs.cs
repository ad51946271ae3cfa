using System.Globalization;
using System.Text;

namespace EventDriven.Producers.Tests;

/// <summary>
/// Deterministic generator of hostile inputs. Every value it yields is invalid by construction (too long, a character
/// no postcode or number has, a traversal, an injection, a non-finite or out-of-range number), so every one must be a 400.
/// </summary>
internal static class HostileInputs
{
    private static readonly string[] Fragments =
    [
        "../../etc/passwd", "..\\..\\windows\\win.ini", "..%2F..%2F", "%2e%2e%2f", "/../", "....//",
        "' OR '1'='1", "'; DROP TABLE lookups; --", "\" OR \"\"=\"", "1; SELECT * FROM users", "UNION SELECT NULL--",
        "<script>alert(1)</script>", "javascript:alert(1)", "\"><img src=x onerror=alert(1)>", "${7*7}", "{{7*7}}",
        "%00", "%0d%0a", "%2525", "%u0041", "%C0%AF", "%FF%FE", "\u0000", "\r\n", "\t", "\u001b[31m",
        "\u202eAA1 1AA", "Ａ１ １ＡＡ", "SW1Ａ 1AA", "СW1A 1AA", "SW1A\u00a01AA", "SW1A\u200b1AA", "😀", "e\u0301",
        "SW1A-1AA", "SW1A_1AA", "SW1A.1AA", "SW1A+1AA", "SW1A/1AA", "SW1A;1AA", "SW1A,1AA", "SW1A|1AA",
        "NaN", "Infinity", "-Infinity", "1e309", "-1e309", "0x1F", "1_000", "١٢٣", "null", "undefined", "true",
    ];

    private static readonly string[] Numbers =
    [
        "NaN", "nan", "Infinity", "-Infinity", "inf", "1e309", "-1e309", "1e400", "0x10", "1,5", "1_0", "--1", "+-1",
        "1.2.3", "١٢", "５１", "91", "-91", "181", "-181", "48.85", "2.35", "61", "-9", "1e2", "٫5", "", " ", "\u0000",
        "51.5\u0000", "51.5;DROP", "'51.5'", "51.5%00", "1" + new string('0', 40), "0." + new string('1', 40), "∞",
    ];

    public static IEnumerable<string> Postcodes(int count, int seed = 20261123)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            yield return (i % 6) switch
            {
                0 => Fragments[random.Next(Fragments.Length)],
                1 => new string('A', random.Next(17, 5000)),
                2 => RandomUnicode(random, random.Next(1, 40)),
                3 => InsertInto("SW1A 1AA", Fragments[random.Next(Fragments.Length)], random),
                4 => RandomControl(random, random.Next(1, 12)),
                _ => Fragments[random.Next(Fragments.Length)] + RandomUnicode(random, random.Next(0, 8)),
            };
        }
    }

    public static IEnumerable<(string? Latitude, string? Longitude)> CoordinatePairs(int count, int seed = 20261124)
    {
        var random = new Random(seed);
        var valid = "52.6297";
        for (var i = 0; i < count; i++)
        {
            var hostile = (i % 4) switch
            {
                0 => Numbers[random.Next(Numbers.Length)],
                1 => Fragments[random.Next(Fragments.Length)],
                2 => new string('9', random.Next(33, 3000)),
                _ => RandomUnicode(random, random.Next(1, 20)),
            };
            yield return (i % 3) switch
            {
                0 => (hostile, "-1.1315"),
                1 => (valid, hostile),
                _ => (random.Next(2) == 0 ? null : hostile, random.Next(2) == 0 ? null : hostile),
            };
        }
    }

    private static string InsertInto(string text, string fragment, Random random)
    {
        var at = random.Next(text.Length + 1);
        return text[..at] + fragment + text[at..];
    }

    private static string RandomUnicode(Random random, int length)
    {
        var builder = new StringBuilder();
        while (builder.Length < length)
        {
            // Anything outside printable ASCII letters/digits: symbols, other scripts, astral planes.
            var codePoint = random.Next(4) switch
            {
                0 => random.Next(0x21, 0x30),
                1 => random.Next(0xA0, 0x2FFF),
                2 => random.Next(0x4E00, 0x9FFF),
                _ => random.Next(0x1F300, 0x1FAFF),
            };
            builder.Append(char.ConvertFromUtf32(codePoint));
        }

        return builder.ToString();
    }

    private static string RandomControl(Random random, int length)
    {
        var builder = new StringBuilder("SW1A");
        for (var i = 0; i < length; i++)
        {
            builder.Append((char)random.Next(0, 0x20));
        }

        return builder.ToString();
    }

    public static string Encode(string value) => Uri.EscapeDataString(value);

    public static string Describe(string value) =>
        value.Length > 60 ? string.Create(CultureInfo.InvariantCulture, $"{value[..60]}… ({value.Length} chars)") : value;
}
