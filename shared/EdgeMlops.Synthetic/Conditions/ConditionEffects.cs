using OpenCvSharp;

namespace EdgeMlops.Synthetic.Conditions;

/// <summary>One-off application of a condition; streams should keep a <see cref="ConditionPainter"/> instead.</summary>
public static class ConditionEffects
{
    /// <summary>Applies <paramref name="condition"/> to the 8-bit BGR <paramref name="image"/> in place (see <see cref="ConditionPainter.Apply"/>).</summary>
    public static void Apply(Mat image, Condition condition, DeterministicRandom rng, IReadOnlyList<LampLight>? lamps = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition.IsClear)
            return;
        using var painter = new ConditionPainter();
        painter.Apply(image, condition, rng, lamps);
    }
}
