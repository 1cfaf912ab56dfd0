using System.Globalization;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;

namespace EdgeMlops.Benchmarks.Precision;

/// <summary>
/// The shape of the generated hub: <see cref="Devices"/> boxes of <see cref="Cameras"/> cameras over <see cref="Days"/>
/// days, each camera with one estimated precision report (with drift signals) per minute and its events.
/// </summary>
internal sealed record DatasetShape(int Devices, int Cameras, int Days, long Events, int Labels)
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    public long CameraMinutes => (long)Devices * Cameras * Days * 1440;

    public double EventsPerCameraMinute => (double)Events / CameraMinutes;

    public static string DeviceId(int device) => $"box-{device + 1:D4}";

    public static string CameraId(int camera) => $"cam-{camera + 1}";
}

/// <summary>What the generator wrote.</summary>
internal sealed record DatasetFigures(long Events, long Reports, long CountRows, long Labels, TimeSpan Elapsed, long FileBytes);

/// <summary>
/// Writes a hub database through the hub's own schema, in bulk: events, precision reports and their class rows, and
/// review labels with their outcomes. Vehicles follow a fixed class mix; each camera has a precision of its own
/// (a quarter of them poor, as at night), so figures differ between cameras.
/// </summary>
internal static class PrecisionDataset
{
    private static readonly string[] LabelSet = ["car", "van", "truck", "bus", "motorcycle"];
    private static readonly double[] Mix = [0.6, 0.15, 0.12, 0.05, 0.08];
    private const string Model = "vehicle-classifier";
    private const string Version = "1.0.0";
    private const long Epoch = 1;
    private const int RowsPerTransaction = 200_000;

    public static DatasetFigures Generate(HubDatabase database, DatasetShape shape, Action<string> progress)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(11);
        long events = 0, reports = 0, countRows = 0;
        database.Write(connection =>
        {
            var db = connection.Handle;
            for (var d = 0; d < shape.Devices; d++)
                connection.Execute("INSERT INTO devices (id, enrolled_at, password_hash) VALUES (?, ?, 'bench')", DatasetShape.DeviceId(d), DatasetShape.Start.ToUnixTimeMilliseconds());
            using var insertEvent = new BulkStatement(db, """
                INSERT INTO events (device_id, epoch, seq, camera_id, time, label, confidence, created_at, received_at, payload)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                """);
            using var insertReport = new BulkStatement(db, """
                INSERT INTO precision_reports (device_id, epoch, seq, camera_id, model_name, model_version, source, window_start, window_end,
                    drift_events, class_mix_psi, class_mix_js, confidence_psi, confidence_js, mean_brightness, mean_contrast, mean_box_area,
                    created_at, received_at, payload)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)
                """);
            using var insertCount = new BulkStatement(db, """
                INSERT INTO precision_counts (device_id, camera_id, window_start, epoch, seq, label, model_name, model_version, source, predicted, correct)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                """);
            var seqs = new long[shape.Devices];
            var predicted = new int[LabelSet.Length];
            var correct = new double[LabelSet.Length];
            var rate = shape.EventsPerCameraMinute;
            long rows = 0;
            connection.Execute("BEGIN");
            // Minute by minute across the fleet, as reports and events arrive.
            for (var minute = 0; minute < shape.Days * 1440 && events < shape.Events; minute++)
            {
                var windowStart = DatasetShape.Start.AddMinutes(minute).ToUnixTimeMilliseconds();
                for (var d = 0; d < shape.Devices; d++)
                {
                    var device = DatasetShape.DeviceId(d);
                    for (var c = 0; c < shape.Cameras; c++)
                    {
                        var camera = DatasetShape.CameraId(c);
                        var precision = CameraPrecision(d, c);
                        Array.Clear(predicted);
                        Array.Clear(correct);
                        var n = (int)rate + (random.NextDouble() < rate - (int)rate ? 1 : 0);
                        for (var e = 0; e < n && events < shape.Events; e++)
                        {
                            var label = Draw(random);
                            var confidence = Math.Clamp(precision + (random.NextDouble() - 0.5) * 0.2, 0.05, 0.99);
                            predicted[label]++;
                            correct[label] += confidence;
                            var time = windowStart + random.Next(60_000);
                            insertEvent.Bind(1, device).Bind(2, Epoch).Bind(3, ++seqs[d]).Bind(4, camera).Bind(5, time)
                                .Bind(6, LabelSet[label]).Bind(7, confidence).Bind(8, time + 500).Bind(9, time + 900)
                                .Bind(10, EventPayload(device, camera, seqs[d], LabelSet[label], confidence, time))
                                .Step();
                            events++;
                            rows++;
                        }
                        if (n == 0)
                            continue;
                        var seq = ++seqs[d];
                        insertReport.Bind(1, device).Bind(2, Epoch).Bind(3, seq).Bind(4, camera).Bind(5, Model).Bind(6, Version)
                            .Bind(7, PrecisionSources.Estimated).Bind(8, windowStart).Bind(9, windowStart + 60_000)
                            .Bind(10, n).Bind(11, 0.02 + random.NextDouble() * 0.1).Bind(12, 0.05 + random.NextDouble() * 0.05)
                            .Bind(13, 0.03 + random.NextDouble() * 0.1).Bind(14, 0.05 + random.NextDouble() * 0.05)
                            .Bind(15, 90 + random.NextDouble() * 40).Bind(16, 30 + random.NextDouble() * 10).Bind(17, 0.01 + random.NextDouble() * 0.02)
                            .Bind(18, windowStart + 60_500).Bind(19, windowStart + 61_000)
                            .Bind(20, ReportPayload(device, camera, windowStart, predicted, correct))
                            .Step();
                        reports++;
                        rows++;
                        for (var l = 0; l < LabelSet.Length; l++)
                        {
                            if (predicted[l] == 0)
                                continue;
                            insertCount.Bind(1, device).Bind(2, camera).Bind(3, windowStart).Bind(4, Epoch).Bind(5, seq).Bind(6, LabelSet[l])
                                .Bind(7, Model).Bind(8, Version).Bind(9, PrecisionSources.Estimated).Bind(10, predicted[l]).Bind(11, correct[l])
                                .Step();
                            countRows++;
                            rows++;
                        }
                        if (rows >= RowsPerTransaction)
                        {
                            connection.Execute("COMMIT");
                            connection.Execute("BEGIN");
                            rows = 0;
                        }
                    }
                }
                if (minute % 1440 == 1439)
                    progress($"  day {minute / 1440 + 1}: {events:N0} events, {reports:N0} reports, {countRows:N0} class rows, {clock.Elapsed.TotalSeconds:F0} s");
            }
            connection.Execute("COMMIT");
            return 0;
        });
        var labels = GenerateReviews(database, shape, random);
        progress($"  {labels:N0} review labels and outcomes");
        database.Write(connection => connection.Execute("ANALYZE"));
        return new DatasetFigures(events, reports, countRows, labels, clock.Elapsed, new FileInfo(database.FilePath).Length);
    }

    /// <summary>Review labels and their outcomes, spread over every camera and the whole period: 70% agree with the model.</summary>
    private static long GenerateReviews(HubDatabase database, DatasetShape shape, Random random) => database.Write(connection =>
    {
        var db = connection.Handle;
        using var insertLabel = new BulkStatement(db, """
            INSERT INTO review_labels (device_id, epoch, seq, reviewer, label, labelled_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """);
        using var insertOutcome = new BulkStatement(db, """
            INSERT INTO review_outcomes (device_id, epoch, seq, camera_id, model_name, model_version, predicted, label, state, time, decided_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """);
        // The sample each review is of: only samples taken at random measure precision (PrecisionReader).
        using var insertSample = new BulkStatement(db, """
            INSERT INTO samples (device_id, epoch, seq, camera_id, time, label, confidence, sample_id, reason, created_at, received_at, image_path, image_bytes, payload)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0.9, ?7, 'random', ?5, ?5, '', 0, '{}')
            """);
        var span = (long)shape.Days * 86_400_000;
        connection.Execute("BEGIN");
        for (var i = 0; i < shape.Labels; i++)
        {
            var d = random.Next(shape.Devices);
            var device = DatasetShape.DeviceId(d);
            var time = DatasetShape.Start.ToUnixTimeMilliseconds() + (long)(random.NextDouble() * span);
            var predicted = LabelSet[Draw(random)];
            var label = random.NextDouble() < 0.7 ? predicted : random.NextDouble() < 0.5 ? ReviewLabels.NotAVehicle : LabelSet[Draw(random)];
            // Samples have seqs of their own, far above the events'.
            var seq = 1_000_000_000L + i;
            insertLabel.Bind(1, device).Bind(2, Epoch).Bind(3, seq).Bind(4, "bench-reviewer").Bind(5, label).Bind(6, time + 3_600_000).Step();
            var camera = DatasetShape.CameraId(random.Next(shape.Cameras));
            insertSample.Bind(1, device).Bind(2, Epoch).Bind(3, seq).Bind(4, camera).Bind(5, time).Bind(6, predicted).Bind(7, $"s-{seq}").Step();
            insertOutcome.Bind(1, device).Bind(2, Epoch).Bind(3, seq).Bind(4, camera).Bind(5, Model)
                .Bind(6, Version).Bind(7, predicted).Bind(8, label).Bind(9, "labelled").Bind(10, time).Bind(11, time + 3_600_000)
                .Step();
        }
        connection.Execute("COMMIT");
        return (long)shape.Labels;
    });

    /// <summary>Day cameras near 0.9; every fourth camera poor, as at night.</summary>
    private static double CameraPrecision(int device, int camera) => (device * 7 + camera) % 4 == 3 ? 0.35 : 0.9;

    private static int Draw(Random random)
    {
        var x = random.NextDouble();
        for (var i = 0; i < Mix.Length; i++)
        {
            x -= Mix[i];
            if (x < 0)
                return i;
        }
        return 0;
    }

    // A short event payload with the fields the API shows; the box's full event (top-k, box, track) is about twice as long.
    private static string EventPayload(string device, string camera, long seq, string label, double confidence, long time) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"deviceId\":\"{device}\",\"cameraId\":\"{camera}\",\"trackId\":{seq},\"label\":\"{label}\",\"confidence\":{confidence:F3},\"lastSeen\":{time},\"modelName\":\"{Model}\",\"modelVersion\":\"{Version}\"}}");

    private static string ReportPayload(string device, string camera, long windowStart, int[] predicted, double[] correct)
    {
        var classes = string.Join(",", Enumerable.Range(0, LabelSet.Length).Where(l => predicted[l] > 0)
            .Select(l => string.Create(CultureInfo.InvariantCulture, $"\"{LabelSet[l]}\":{{\"predicted\":{predicted[l]},\"correct\":{correct[l]:F3}}}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"deviceId\":\"{device}\",\"cameraId\":\"{camera}\",\"modelName\":\"{Model}\",\"modelVersion\":\"{Version}\",\"source\":\"estimated\",\"windowStart\":{windowStart},\"classes\":{{{classes}}}}}");
    }
}
