using CsCheck;

namespace EdgeMlops.Contracts.Tests.Fuzzing;

/// <summary>Strings made to trip up whatever handles them: escapes, controls, invisible marks, surrogates, sizes.</summary>
internal static class FuzzText
{
    private const string Plain = "abcxyzABCXYZ0189-_. ";
    private const string Syntax = "\"\\/{}[]:,+#'%@$";
    private const string Controls = "\0\a\b\t\n\v\f\r\u001b\u007f\u0085\u009b";
    private const string Invisible = "\u00a0\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff";
    private const string Surrogates = "\ud800\udbff\udc00\udfff";

    /// <summary>One character, mostly plain, sometimes anything.</summary>
    public static readonly Gen<char> Char = Gen.Frequency(
        (8, Gen.Char[Plain]),
        (2, Gen.Char[Syntax]),
        (2, Gen.Char[Controls]),
        (2, Gen.Char[Invisible]),
        (1, Gen.Char[Surrogates]),
        (1, Gen.Char));

    /// <summary>A string of <paramref name="min"/> to <paramref name="max"/> characters; emoji come as pairs.</summary>
    public static Gen<string> Awkward(int min, int max) =>
        Gen.Frequency((12, Char.Select(c => c.ToString())), (1, Gen.OneOf("🚚", "ж", "Ø", "ß")))
            .Array[min, Math.Max(min, max / 2)]
            .Select(parts => string.Concat(parts))
            .Select(text => text.Length > max ? text[..max] : text);

    /// <summary>Any string, from empty to a few times longer than every field limit.</summary>
    public static readonly Gen<string> Any = Gen.Frequency(
        (10, Awkward(0, 40)),
        (2, Awkward(0, 600)),
        (1, Gen.Select(Gen.Char, Gen.Int[0, 100_000], (c, n) => new string(c, n))));
}
