using System.Text;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;
using SQLite;

namespace EdgeMlops.CloudHub.Monitoring;

/// <summary>
/// <see cref="IPrecisionReader"/> over the hub database: the boxes' reports from <c>precision_counts</c>, the reviews
/// from <c>review_outcomes</c> (a labelled sample is one prediction of its predicted class, right when the agreed label is
/// that class; <see cref="ReviewLabels.NotAVehicle"/> is wrong; unsure and conflicting samples do not count). Only samples
/// the box took at random (<see cref="SampleReasons.Random"/>) measure precision: the others are hard examples, chosen
/// because the model was unsure, and would measure it far too low (they are for review and retraining). SQLite sums
/// per series, class and bucket; the macro figures and intervals are made here.
/// </summary>
/// <remarks>
/// A report counts in the bucket its window starts in, a review in the bucket its sample was captured in, both over
/// [from, to). A camera's week by hour reads one range of <c>precision_counts</c>, which is clustered by (device,
/// camera, window start); without a camera the device's cameras are all read.
/// </remarks>
public sealed class PrecisionReader(HubDatabase database) : IPrecisionReader
{
    /// <summary>The bucket of <see cref="PrecisionGrouping.Window"/> when the query names none.</summary>
    public static readonly TimeSpan DefaultBucket = TimeSpan.FromHours(1);

    public IReadOnlyList<PrecisionFigure> Figures(PrecisionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.To <= query.From)
            throw new ArgumentException($"the window is empty: to ({query.To:O}) is not after from ({query.From:O})", nameof(query));
        var bucket = query.By == PrecisionGrouping.Window ? query.Bucket ?? DefaultBucket : query.To - query.From;
        if (bucket < TimeSpan.FromMilliseconds(1))
            throw new ArgumentException($"the bucket must be positive, got {bucket}", nameof(query));
        var from = UnixTime.ToMs(query.From);
        var to = UnixTime.ToMs(query.To);
        var bucketMs = (long)bucket.TotalMilliseconds;
        var rows = new List<CountRow>();
        if (query.Source != PrecisionSources.Review)
            rows.AddRange(Read(ReportCounts(query, from, to, bucketMs)));
        if (query.Source is null or PrecisionSources.Review)
            rows.AddRange(Read(ReviewCounts(query, from, to, bucketMs)));
        return Build(rows, query, bucket);
    }

    public IReadOnlyList<DriftFigure> Drift(DateTimeOffset from, DateTimeOffset to, string? deviceId = null, string? cameraId = null)
    {
        if (to <= from)
            throw new ArgumentException($"the window is empty: to ({to:O}) is not after from ({from:O})", nameof(to));
        // Event-weighted means; a window whose reports all say 0 events falls back to the plain mean.
        static string Mean(string column) =>
            $"CASE WHEN sum(CASE WHEN {column} IS NOT NULL THEN drift_events END) > 0 " +
            $"THEN sum(drift_events * {column}) / sum(CASE WHEN {column} IS NOT NULL THEN drift_events END) ELSE avg({column}) END";
        var sql = new StringBuilder($"""
            SELECT device_id AS dev, camera_id AS cam, model_name AS model, model_version AS version,
                   min(window_start) AS first_start, sum(drift_events) AS events,
                   {Mean("class_mix_psi")} AS class_mix_psi, {Mean("class_mix_js")} AS class_mix_js,
                   {Mean("confidence_psi")} AS confidence_psi, {Mean("confidence_js")} AS confidence_js,
                   {Mean("mean_brightness")} AS mean_brightness, {Mean("mean_contrast")} AS mean_contrast, {Mean("mean_box_area")} AS mean_box_area
            FROM precision_reports
            WHERE drift_events IS NOT NULL AND window_start >= ? AND window_start < ?
            """);
        var arguments = new List<object> { UnixTime.ToMs(from), UnixTime.ToMs(to) };
        Filter(sql, arguments, "device_id", deviceId);
        Filter(sql, arguments, "camera_id", cameraId);
        sql.Append(" GROUP BY device_id, camera_id, model_name, model_version ORDER BY device_id, camera_id, model_name, model_version");
        return database.Read(connection => connection.Query<DriftRow>(sql.ToString(), arguments.ToArray()))
            .Select(r => new DriftFigure(r.Device, r.Camera, r.Model, r.Version, from, to,
                new DriftSignals(r.Events, r.ClassMixPsi ?? 0, r.ClassMixJs ?? 0, r.ConfidencePsi ?? 0, r.ConfidenceJs ?? 0,
                    r.MeanBrightness, r.MeanContrast, r.MeanBoxArea)))
            .ToList();
    }

    private IReadOnlyList<CountRow> Read((string Sql, object[] Arguments) query) =>
        database.Read(connection => connection.Query<CountRow>(query.Sql, query.Arguments));

    private static (string, object[]) ReportCounts(PrecisionQuery query, long from, long to, long bucketMs)
    {
        var sql = new StringBuilder("""
            SELECT device_id AS dev, camera_id AS cam, model_name AS model, model_version AS version, source AS src, label AS cls,
                   (window_start - ?) / ? AS bucket, sum(predicted) AS n, sum(correct) AS ok
            FROM precision_counts WHERE window_start >= ? AND window_start < ?
            """);
        var arguments = new List<object> { from, bucketMs, from, to };
        FilterSeries(sql, arguments, query);
        Filter(sql, arguments, "source", query.Source);
        sql.Append(" GROUP BY device_id, camera_id, model_name, model_version, source, label, bucket");
        return (sql.ToString(), arguments.ToArray());
    }

    private static (string, object[]) ReviewCounts(PrecisionQuery query, long from, long to, long bucketMs)
    {
        var sql = new StringBuilder($"""
            SELECT device_id AS dev, camera_id AS cam, model_name AS model, model_version AS version, '{PrecisionSources.Review}' AS src,
                   predicted AS cls, (time - ?) / ? AS bucket, count(*) AS n, sum(label = predicted) AS ok
            FROM review_outcomes o WHERE state = 'labelled' AND time >= ? AND time < ?
              AND EXISTS (SELECT 1 FROM samples s WHERE s.device_id = o.device_id AND s.epoch = o.epoch AND s.seq = o.seq
                          AND s.reason = '{SampleReasons.Random}')
            """);
        var arguments = new List<object> { from, bucketMs, from, to };
        FilterSeries(sql, arguments, query);
        sql.Append(" GROUP BY device_id, camera_id, model_name, model_version, predicted, bucket");
        return (sql.ToString(), arguments.ToArray());
    }

    /// <summary>The filters both tables share: device, camera, model name and version.</summary>
    private static void FilterSeries(StringBuilder sql, List<object> arguments, PrecisionQuery query)
    {
        Filter(sql, arguments, "device_id", query.DeviceId);
        Filter(sql, arguments, "camera_id", query.CameraId);
        Filter(sql, arguments, "model_name", query.ModelName);
        Filter(sql, arguments, "model_version", query.ModelVersion);
    }

    private static void Filter(StringBuilder sql, List<object> arguments, string column, string? value)
    {
        if (value is null)
            return;
        sql.Append($" AND {column} = ?");
        arguments.Add(value);
    }

    private static List<PrecisionFigure> Build(List<CountRow> rows, PrecisionQuery query, TimeSpan bucket)
    {
        var figures = new List<PrecisionFigure>();
        var groups = rows
            .GroupBy(r => (r.Device, r.Camera, r.Model, r.Version, r.Source, r.Bucket))
            .OrderBy(g => g.Key.Device, StringComparer.Ordinal).ThenBy(g => g.Key.Camera, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Version, StringComparer.Ordinal)
            .ThenBy(g => PrecisionSourceOrder(g.Key.Source)).ThenBy(g => g.Key.Bucket);
        foreach (var group in groups)
        {
            var (device, camera, model, version, source, index) = group.Key;
            var from = query.From + bucket * index;
            var to = from + bucket < query.To ? from + bucket : query.To;
            var series = new PrecisionSeries(device, camera.Length == 0 ? null : camera, model, version, source, from, to);
            var classes = group.Where(r => r.Predicted > 0).OrderBy(r => r.Label, StringComparer.Ordinal)
                .Select(r => new ClassCount(r.Label, r.Predicted, r.Correct)).ToList();
            if (PrecisionMath.Macro(series, classes) is not { } macro)
                continue;
            figures.Add(macro);
            if (query.By == PrecisionGrouping.Class)
                figures.AddRange(classes.Select(c => PrecisionMath.OfClass(series, c)));
        }
        return figures;
    }

    private static readonly Dictionary<string, int> SourceOrder =
        PrecisionSources.All.Select((source, i) => (source, i)).ToDictionary(p => p.source, p => p.i, StringComparer.Ordinal);

    private static int PrecisionSourceOrder(string source) => SourceOrder.GetValueOrDefault(source, int.MaxValue);

    /// <summary>One class's sums in one series and bucket, as SQLite returns them.</summary>
    private sealed class CountRow
    {
        [Column("dev")] public string Device { get; set; } = "";
        [Column("cam")] public string Camera { get; set; } = "";
        [Column("model")] public string Model { get; set; } = "";
        [Column("version")] public string Version { get; set; } = "";
        [Column("src")] public string Source { get; set; } = "";
        [Column("cls")] public string Label { get; set; } = "";
        [Column("bucket")] public long Bucket { get; set; }
        [Column("n")] public double Predicted { get; set; }
        [Column("ok")] public double Correct { get; set; }
    }

    private sealed class DriftRow
    {
        [Column("dev")] public string Device { get; set; } = "";
        [Column("cam")] public string Camera { get; set; } = "";
        [Column("model")] public string Model { get; set; } = "";
        [Column("version")] public string Version { get; set; } = "";
        [Column("events")] public long Events { get; set; }
        [Column("class_mix_psi")] public double? ClassMixPsi { get; set; }
        [Column("class_mix_js")] public double? ClassMixJs { get; set; }
        [Column("confidence_psi")] public double? ConfidencePsi { get; set; }
        [Column("confidence_js")] public double? ConfidenceJs { get; set; }
        [Column("mean_brightness")] public double? MeanBrightness { get; set; }
        [Column("mean_contrast")] public double? MeanContrast { get; set; }
        [Column("mean_box_area")] public double? MeanBoxArea { get; set; }
    }
}
