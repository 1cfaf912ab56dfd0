using System.Text.Json;
using CsCheck;

namespace EdgeMlops.Contracts.Tests.Fuzzing;

/// <summary>
/// Generators of messages the contract accepts, with text drawn from everything a device may legally send (any
/// Unicode, quotes, backslashes, control characters) and numbers over their whole legal range.
/// </summary>
internal static class ValidMessages
{
    public static readonly Gen<string> DeviceId =
        Gen.Select(Gen.Char["abcXYZ0189"], Gen.String["abcXYZ0189-_."], (first, rest) => first + rest)
            .Where(id => id.Length <= DeviceIds.MaxLength && DeviceIds.IsValid(id));

    /// <summary>
    /// Text that is not blank, within <paramref name="limit"/>, from a mix of plain and awkward characters; well-formed
    /// UTF-16, because a lone surrogate cannot be written as JSON (the validator refuses it).
    /// </summary>
    public static Gen<string> Text(int limit) =>
        Gen.Select(Gen.Char.AlphaNumeric, FuzzText.Awkward(0, limit - 1), (first, rest) => WellFormed(first + rest));

    private static string WellFormed(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                i++;
            else if (char.IsSurrogate(chars[i]))
                chars[i] = '?';
        }
        return new string(chars);
    }

    public static readonly Gen<double> Probability = Gen.Frequency(
        (6, Gen.Double[0, 1]), (1, Gen.OneOf(0.0, 1.0, double.Epsilon, 1 - double.Epsilon / 2)));

    public static readonly Gen<double> NonNegative = Gen.Frequency(
        (6, Gen.Double[0, 1e6]), (1, Gen.OneOf(0.0, double.MaxValue, double.Epsilon)));

    public static readonly Gen<DateTimeOffset> Time =
        Gen.Select(Gen.Long[new DateTime(2000, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks], Gen.Int[-14 * 60, 14 * 60],
            (ticks, offsetMinutes) => new DateTimeOffset(ticks, TimeSpan.FromMinutes(offsetMinutes)));

    public static Gen<Dictionary<string, T>> Map<T>(Gen<T> values, int minEntries, int maxEntries, int keyLimit) =>
        Gen.Select(Text(keyLimit), values).Array[minEntries, maxEntries]
            .Select(pairs => pairs.DistinctBy(p => p.Item1, StringComparer.Ordinal).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal));

    public static readonly Gen<LabelProbability> LabelProbability =
        Gen.Select(Text(FieldLimits.LabelLength), Probability, (label, p) => new LabelProbability(label, p));

    public static readonly Gen<VehicleEvent> VehicleEvent =
        Gen.Select(
            Gen.Select(DeviceId, Text(FieldLimits.IdLength), Gen.Long[0, long.MaxValue], Text(FieldLimits.LabelLength), Probability),
            Gen.Select(LabelProbability.Array[1, 8], Gen.Int[0, 4000], Gen.Int[0, 4000], Gen.Int[1, 4000], Gen.Int[1, 4000]),
            Gen.Select(Time, Gen.Long[0, TimeSpan.TicksPerDay], Gen.Int[1, int.MaxValue], Text(FieldLimits.IdLength), Text(FieldLimits.IdLength)),
            Gen.Select(Text(FieldLimits.LabelLength).Null(0.5), Gen.Bool.Nullable(0.5)),
            (a, b, c, d) => new VehicleEvent(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, b.Item1,
                new PixelBox(b.Item2, b.Item3, b.Item4, b.Item5), c.Item1, c.Item1.AddTicks(c.Item2), c.Item3, c.Item4, c.Item5,
                d.Item1, d.Item2));

    public static readonly Gen<CameraStats> CameraStats =
        Gen.Select(
            Gen.Select(DeviceId, Text(FieldLimits.IdLength), Time, Gen.Long[0, TimeSpan.TicksPerDay], Gen.Long[0, long.MaxValue]),
            Gen.Select(NonNegative, Map(Gen.Select(NonNegative, NonNegative, NonNegative, (p50, p95, p99) => new LatencyPercentiles(p50, p95, p99)), 0, 6, FieldLimits.IdLength),
                Map(Gen.Long[0, long.MaxValue], 0, 6, FieldLimits.IdLength), Gen.Int[0, int.MaxValue]),
            Gen.Select(Map(Gen.Long[0, long.MaxValue], 0, 8, FieldLimits.LabelLength), Probability.Nullable(0.5)),
            (a, b, c) => new CameraStats(a.Item1, a.Item2, a.Item3, a.Item3.AddTicks(a.Item4), a.Item5, b.Item1, b.Item2, b.Item3, b.Item4,
                c.Item1, c.Item2));

    public static Gen<ReviewSampleInfo> ReviewSampleInfo(Gen<string> deviceId) =>
        Gen.Select(
            Gen.Select(deviceId, Text(FieldLimits.IdLength), Text(FieldLimits.IdLength), Gen.Long[0, long.MaxValue], Time),
            Gen.Select(Text(FieldLimits.IdLength), Text(FieldLimits.IdLength), Text(FieldLimits.LabelLength), Probability),
            Gen.Select(Map(Probability, 1, 8, FieldLimits.LabelLength), Gen.OneOf(SampleReasons.LowConfidence, SampleReasons.Random),
                Text(FieldLimits.LabelLength).Null(0.5)),
            (a, b, c) => new ReviewSampleInfo(a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, b.Item1, b.Item2, b.Item3, b.Item4,
                c.Item1, c.Item2, c.Item3));

    public static readonly Gen<SampleHeader> SampleHeader =
        from deviceId in DeviceId
        from epoch in Gen.Long[1, long.MaxValue]
        from seq in Gen.Long[1, long.MaxValue]
        from createdAt in Time
        from info in ReviewSampleInfo(Gen.Const(deviceId))
        select new SampleHeader(deviceId, epoch, seq, createdAt, info);

    public static readonly Gen<DeviceStatus> DeviceStatus =
        Gen.Select(DeviceId, Gen.Bool, Time, Text(FieldLimits.IdLength).Null(0.5), (id, online, at, version) => new DeviceStatus(id, online, at, version));

    public static readonly Gen<OutboxBacklog> OutboxBacklog =
        from epoch in Gen.Long
        from lastIssued in Gen.Long[0, long.MaxValue]
        from pending in Gen.Long[0, long.MaxValue]
        from oldest in lastIssued < 1 ? Gen.Const((long?)null) : Gen.Long[1, lastIssued].Nullable(0.3)
        from evicted in Gen.Long[0, long.MaxValue]
        select new OutboxBacklog(epoch, lastIssued, pending, oldest, evicted);

    public static readonly Gen<ReportedState> ReportedState =
        Gen.Select(DeviceId, Time, Text(FieldLimits.IdLength), Text(FieldLimits.IdLength), OutboxBacklog, Gen.Long[0, long.MaxValue].Nullable(0.3),
            (id, at, model, version, backlog, revision) => new ReportedState(id, at, model, version, backlog, revision));

    /// <summary>Any JSON value the serializer can write again (it refuses escaped unpaired surrogates).</summary>
    public static readonly Gen<JsonElement> JsonValue = FuzzJson.Value
        .Select(json => JsonDocument.Parse(json).RootElement.Clone())
        .Where(CanWrite);

    private static bool CanWrite(JsonElement element)
    {
        try
        {
            JsonSerializer.Serialize(element);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    public static readonly Gen<DesiredState> DesiredState =
        Gen.Select(DeviceId, Gen.Long[0, long.MaxValue], Time, Map(JsonValue, 0, 4, FieldLimits.IdLength),
            (id, revision, at, properties) => new DesiredState(id, revision, at, properties));

    /// <summary>A batch of events and stats with increasing seqs, as the device's outbox holds them.</summary>
    public static readonly Gen<(string DeviceId, long Epoch, RawOutboxRecord[] Records)> RawBatch =
        from deviceId in DeviceId
        from epoch in Gen.Long[1, long.MaxValue]
        from firstSeq in Gen.Long[1, long.MaxValue / 2]
        from steps in Gen.Long[1, 1000].Array[1, 6]
        from messages in Gen.Frequency(
            (3, VehicleEvent.Select(e => (OutboxKinds.Event, JsonSerializer.Serialize(e with { DeviceId = deviceId }, ContractsJsonContext.Default.VehicleEvent)))),
            (1, CameraStats.Select(s => (OutboxKinds.Stats, JsonSerializer.Serialize(s with { DeviceId = deviceId }, ContractsJsonContext.Default.CameraStats)))))
            .Array[steps.Length]
        from createdAt in Time.Array[steps.Length]
        select (deviceId, epoch, steps.Select((_, i) => new RawOutboxRecord(
            firstSeq + steps.Take(i + 1).Sum() - steps[0], messages[i].Item1, createdAt[i], messages[i].Item2)).ToArray());
}
