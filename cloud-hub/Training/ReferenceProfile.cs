using EdgeMlops.Packaging;
using OpenCvSharp;

namespace EdgeMlops.CloudHub.Training;

/// <summary>
/// Accumulates what a model made of reference vehicles into the <see cref="ReferenceDistributions"/> drift is
/// measured against on the box. Class mix and confidence are per vehicle, as the box's events are (the mean
/// calibrated probabilities over the frames a vehicle was seen in, its winner and that winner's mean); brightness,
/// contrast and box area are per crop, as the box measures them on each crop it classifies.
/// </summary>
public sealed class ReferenceProfile(IReadOnlyList<string> labels)
{
    private readonly Dictionary<int, (double[] Sum, int Count)> _vehicles = [];
    private double _brightness, _contrast, _area;
    private int _crops;

    public int Vehicles => _vehicles.Count;
    public int Crops => _crops;

    /// <summary>One sighting of vehicle <paramref name="vehicleId"/>: its crop, classified as <paramref name="calibrated"/>.</summary>
    /// <param name="boxAreaShare">The vehicle's box area as a share of the frame's.</param>
    public void Add(int vehicleId, IReadOnlyList<double> calibrated, Mat crop, double boxAreaShare)
    {
        if (calibrated.Count != labels.Count)
            throw new ArgumentException($"{calibrated.Count} probabilities for {labels.Count} labels.", nameof(calibrated));
        if (!_vehicles.TryGetValue(vehicleId, out var vehicle)) vehicle = (new double[labels.Count], 0);
        for (int i = 0; i < calibrated.Count; i++) vehicle.Sum[i] += calibrated[i];
        _vehicles[vehicleId] = (vehicle.Sum, vehicle.Count + 1);

        using var gray = crop.Channels() == 1 ? crop.Clone() : crop.CvtColor(ColorConversionCodes.BGR2GRAY);
        Cv2.MeanStdDev(gray, out var mean, out var stddev);
        _brightness += mean.Val0;
        _contrast += stddev.Val0;
        _area += boxAreaShare;
        _crops++;
    }

    public ReferenceDistributions Build()
    {
        if (_vehicles.Count == 0) throw new InvalidOperationException("No reference vehicles were seen.");
        var mix = new double[labels.Count];
        var histogram = new double[ReferenceDistributions.ConfidenceBins];
        foreach (var (sum, count) in _vehicles.Values)
        {
            int winner = 0;
            for (int i = 1; i < sum.Length; i++)
                if (sum[i] > sum[winner]) winner = i;
            mix[winner]++;
            histogram[ConfidenceBin(sum[winner] / count)]++;
        }
        return new ReferenceDistributions
        {
            ClassMix = labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => Math.Round(mix[p.i] / _vehicles.Count, 6), StringComparer.Ordinal),
            ConfidenceHistogram = [.. histogram.Select(n => Math.Round(n / _vehicles.Count, 6))],
            MeanBrightness = Math.Round(_brightness / _crops, 3),
            MeanContrast = Math.Round(_contrast / _crops, 3),
            MeanBoxArea = Math.Round(_area / _crops, 6),
        };
    }

    /// <summary>The bin of <paramref name="confidence"/> among equal bins over [0, 1]; 1 itself falls in the last.</summary>
    public static int ConfidenceBin(double confidence) =>
        Math.Clamp((int)(confidence * ReferenceDistributions.ConfidenceBins), 0, ReferenceDistributions.ConfidenceBins - 1);
}
