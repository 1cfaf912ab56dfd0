using OpenCvSharp;

namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>
/// Paint colours. Every class draws from the same distribution so that colour carries no class information
/// and a classifier has to learn shape.
/// </summary>
internal static class BodyColours
{
    /// <summary>A paint colour (BGR): achromatic finishes about half the time, otherwise any hue.</summary>
    public static Scalar Paint(DeterministicRandom rng)
    {
        if (rng.Chance(0.45))
        {
            double grey = rng.NextInt(4) switch
            {
                0 => rng.Range(225, 248),
                1 => rng.Range(165, 205),
                2 => rng.Range(95, 140),
                _ => rng.Range(22, 48),
            };
            double tint = rng.Range(-6, 6);
            return new Scalar(grey + tint, grey, grey - tint);
        }
        return FromHsv(rng.Range(0, 360), rng.Range(0.45, 1.0), rng.Range(0.35, 0.92));
    }

    /// <summary>Dark, slightly blue glass; varies so windows are found by shape and position, not exact colour.</summary>
    public static Scalar Glass(DeterministicRandom rng)
    {
        double v = rng.Range(45, 85);
        return new Scalar(v + rng.Range(15, 35), v + rng.Range(5, 15), v);
    }

    /// <summary><paramref name="colour"/> scaled towards black (factor &lt; 1) or white (factor &gt; 1).</summary>
    public static Scalar Shade(Scalar colour, double factor) =>
        factor <= 1
            ? new Scalar(colour.Val0 * factor, colour.Val1 * factor, colour.Val2 * factor)
            : new Scalar(Lighten(colour.Val0, factor), Lighten(colour.Val1, factor), Lighten(colour.Val2, factor));

    private static double Lighten(double channel, double factor) => 255 - (255 - channel) / factor;

    private static Scalar FromHsv(double hue, double saturation, double value)
    {
        double c = value * saturation, x = c * (1 - Math.Abs(hue / 60 % 2 - 1)), m = value - c;
        (double r, double g, double b) = (int)(hue / 60) switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        return new Scalar((b + m) * 255, (g + m) * 255, (r + m) * 255);
    }
}
