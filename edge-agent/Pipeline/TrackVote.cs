namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>
/// The class vote of one tracked vehicle: probabilities summed over every frame it was classified in, so one
/// ambiguous frame does not decide the class. Also keeps the frame with the least confident winner, the best
/// candidate for a review sample.
/// </summary>
public sealed class TrackVote(int labelCount)
{
    private readonly double[] _sum = new double[labelCount];

    public int Observations { get; private set; }
    public DateTimeOffset FirstSeen { get; private set; }
    public DateTimeOffset LastSeen { get; private set; }
    public OpenCvSharp.Rect LastBox { get; private set; }

    public void Add(ReadOnlySpan<float> probabilities, OpenCvSharp.Rect box, DateTimeOffset at)
    {
        if (Observations == 0) FirstSeen = at;
        for (int i = 0; i < _sum.Length; i++) _sum[i] += probabilities[i];
        Observations++;
        LastSeen = at;
        LastBox = box;
    }

    /// <summary>Mean probability per label over the track's observations.</summary>
    public double[] Mean() => _sum.Select(s => Observations == 0 ? 0 : s / Observations).ToArray();

    public (int Label, double Confidence) Winner()
    {
        var mean = Mean();
        int best = 0;
        for (int i = 1; i < mean.Length; i++) if (mean[i] > mean[best]) best = i;
        return (best, mean[best]);
    }
}
