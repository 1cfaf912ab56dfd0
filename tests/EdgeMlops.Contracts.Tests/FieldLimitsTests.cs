using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeMlops.Contracts.Tests;

public sealed class FieldLimitsTests
{
    private static string Text(int length, char c = 'x') => new(c, length);

    private static Dictionary<string, T> Map<T>(int entries, T value, int keyLength = 8, char c = 'k') =>
        Enumerable.Range(0, entries).ToDictionary(i => i.ToString("D" + keyLength, System.Globalization.CultureInfo.InvariantCulture).Replace('0', c), _ => value);

    [Fact]
    public void A_megabyte_camera_id_is_refused_naming_the_field_its_length_and_the_limit()
    {
        var json = JsonSerializer.SerializeToNode(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent)!;
        json["cameraId"] = Text(1024 * 1024);

        Assert.False(ContractReader.TryReadVehicleEvent(Utf8.Bytes(json.ToJsonString()), out _, out var rejection));

        Assert.Equal(RejectionKind.FieldTooLong, rejection.Kind);
        Assert.Equal($"cameraId is 1048576 characters long; the limit is {FieldLimits.IdLength}", rejection.Reason);
    }

    /// <summary>Each field with a limit: its name as a refusal starts, the problem the validator finds at a length, the limit.</summary>
    public static TheoryData<string, Func<int, string?>, int> Fields => new()
    {
        { "cameraId", Event((e, n) => e with { CameraId = Text(n) }), FieldLimits.IdLength },
        { "label", Event((e, n) => e with { Label = Text(n) }), FieldLimits.LabelLength },
        { "topK[1].label", Event((e, n) => e with { TopK = [e.TopK[0], new LabelProbability(Text(n), 0.01)] }), FieldLimits.LabelLength },
        { "modelName", Event((e, n) => e with { ModelName = Text(n) }), FieldLimits.IdLength },
        { "modelVersion", Event((e, n) => e with { ModelVersion = Text(n) }), FieldLimits.IdLength },
        { "truthLabel", Event((e, n) => e with { TruthLabel = Text(n) }), FieldLimits.LabelLength },
        { "topK has", Event((e, n) => e with { TopK = Enumerable.Repeat(new LabelProbability("car", 0.001), n).ToList() }), FieldLimits.Classes },
        { "cameraId", Stats((s, n) => s with { CameraId = Text(n) }), FieldLimits.IdLength },
        { "latencyMs has", Stats((s, n) => s with { LatencyMs = Map(n, new LatencyPercentiles(1, 2, 3)) }), FieldLimits.Stages },
        { "a latencyMs key", Stats((s, n) => s with { LatencyMs = new Dictionary<string, LatencyPercentiles> { [Text(n)] = new(1, 2, 3) } }), FieldLimits.IdLength },
        { "drops has", Stats((s, n) => s with { Drops = Map(n, 1L) }), FieldLimits.Stages },
        { "a drops key", Stats((s, n) => s with { Drops = new Dictionary<string, long> { [Text(n)] = 1 } }), FieldLimits.IdLength },
        { "vehicles has", Stats((s, n) => s with { Vehicles = Map(n, 1L) }), FieldLimits.Classes },
        { "a vehicles key", Stats((s, n) => s with { Vehicles = new Dictionary<string, long> { [Text(n)] = 1 } }), FieldLimits.LabelLength },
        { "cameraId", Sample((s, n) => s with { CameraId = Text(n) }), FieldLimits.IdLength },
        { "sampleId", Sample((s, n) => s with { SampleId = Text(n) }), FieldLimits.IdLength },
        { "modelName", Sample((s, n) => s with { ModelName = Text(n) }), FieldLimits.IdLength },
        { "modelVersion", Sample((s, n) => s with { ModelVersion = Text(n) }), FieldLimits.IdLength },
        { "predictedLabel", Sample((s, n) => s with { PredictedLabel = Text(n) }), FieldLimits.LabelLength },
        { "probabilities has", Sample((s, n) => s with { Probabilities = Map(n, 0.001) }), FieldLimits.Classes },
        { "a probabilities key", Sample((s, n) => s with { Probabilities = new Dictionary<string, double> { [Text(n)] = 1 } }), FieldLimits.LabelLength },
        { "truthLabel", Sample((s, n) => s with { TruthLabel = Text(n) }), FieldLimits.LabelLength },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void Every_field_takes_its_limit_and_refuses_one_more_naming_field_length_and_limit(string field, Func<int, string?> findProblemAt, int limit)
    {
        Assert.Null(findProblemAt(limit));

        var problem = findProblemAt(limit + 1);

        Assert.StartsWith(field, problem);
        Assert.Contains($"{limit + 1}", problem);
        Assert.Contains($"the limit is {limit}", problem);
    }

    private static Func<int, string?> Event(Func<VehicleEvent, int, VehicleEvent> set) => n => ContractValidator.FindProblem(set(SampleMessages.Event(), n));

    private static Func<int, string?> Stats(Func<CameraStats, int, CameraStats> set) => n => ContractValidator.FindProblem(set(SampleMessages.Stats(), n));

    private static Func<int, string?> Sample(Func<ReviewSampleInfo, int, ReviewSampleInfo> set) => n => ContractValidator.FindProblem(set(SampleMessages.Sample(), n));

    [Fact]
    public void A_sample_reason_of_a_megabyte_is_refused_for_its_length_not_quoted_in_full()
    {
        var problem = ContractValidator.FindProblem(SampleMessages.Sample() with { Reason = Text(1_000_000) });

        Assert.Equal($"reason is 1000000 characters long; the limit is {FieldLimits.IdLength}", problem);
    }

    [Fact]
    public void A_sample_header_names_the_info_field_and_reads_as_too_long()
    {
        var header = new SampleHeader("box-07", 42, 17, DateTimeOffset.UnixEpoch, SampleMessages.Sample() with { CameraId = Text(5000) });

        Assert.StartsWith("info.cameraId is 5000 characters", ContractValidator.FindProblem(header));
        var frame = SampleFrame.Write(header, [0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9]);
        Assert.False(SampleFrame.TryRead(frame, out _, out _, out var rejection));
        Assert.Equal(RejectionKind.FieldTooLong, rejection.Kind);
    }

    [Fact]
    public void State_messages_have_limits_too()
    {
        Assert.StartsWith("agentVersion", ContractValidator.FindProblem(new DeviceStatus("box-07", true, DateTimeOffset.UnixEpoch, Text(FieldLimits.IdLength + 1))));
        Assert.StartsWith("modelVersion", ContractValidator.FindProblem(new ReportedState("box-07", DateTimeOffset.UnixEpoch, "m", Text(FieldLimits.IdLength + 1), new OutboxBacklog(1, 1, 0, null, 0))));
        var property = JsonDocument.Parse("1").RootElement;
        Assert.StartsWith("properties has", ContractValidator.FindProblem(new DesiredState("box-07", 1, DateTimeOffset.UnixEpoch, Map(FieldLimits.DesiredProperties + 1, property))));
        Assert.StartsWith("a properties key", ContractValidator.FindProblem(new DesiredState("box-07", 1, DateTimeOffset.UnixEpoch,
            new Dictionary<string, JsonElement> { [Text(FieldLimits.IdLength + 1)] = property })));
    }

    [Fact]
    public void A_key_too_long_is_quoted_only_in_part_and_escaped()
    {
        var problem = ContractValidator.FindProblem(SampleMessages.Stats() with
        {
            Drops = new Dictionary<string, long> { ["line\r\nforged" + Text(500)] = 1 },
        })!;

        Assert.Contains(@"line\r\nforged", problem);
        Assert.DoesNotContain('\n', problem);
        Assert.True(problem.Length < 200, problem);
    }

    [Fact]
    public void A_junk_array_of_megabytes_inside_a_record_is_refused_before_it_is_read()
    {
        var json = JsonSerializer.SerializeToNode(SampleMessages.Event(), ContractsJsonContext.Default.VehicleEvent)!;
        json["junk"] = new JsonArray(Enumerable.Range(0, 400_000).Select(i => (JsonNode?)JsonValue.Create(1234567)).ToArray());
        var payload = JsonSerializer.SerializeToElement(json);
        Assert.True(JsonSerializer.Serialize(payload).Length > 3_000_000);

        Assert.False(ContractReader.TryReadPayload(new OutboxRecord(1, OutboxKinds.Event, DateTimeOffset.UnixEpoch, payload), out var message, out var rejection));

        Assert.Null(message);
        Assert.Equal(RejectionKind.Oversized, rejection.Kind);
        Assert.Contains($"the limit is {PayloadLimits.RecordBytes} bytes", rejection.Reason);
    }

    [Fact]
    public void A_record_with_every_field_at_its_limit_and_every_character_escaped_still_fits_in_a_record()
    {
        // Non-ASCII is written as \uXXXX by the contract serializer: six bytes per character, the worst case.
        const char Wide = 'ж';
        var longestEvent = SampleMessages.Event() with
        {
            CameraId = Text(FieldLimits.IdLength, Wide),
            Label = Text(FieldLimits.LabelLength, Wide),
            TopK = Enumerable.Range(0, FieldLimits.Classes).Select(i => new LabelProbability(Text(FieldLimits.LabelLength, Wide), 0.123456789012345)).ToList(),
            ModelName = Text(FieldLimits.IdLength, Wide),
            ModelVersion = Text(FieldLimits.IdLength, Wide),
            TruthLabel = Text(FieldLimits.LabelLength, Wide),
            DeviceId = Text(DeviceIds.MaxLength, 'd'),
        };
        var longestStats = SampleMessages.Stats() with
        {
            CameraId = Text(FieldLimits.IdLength, Wide),
            LatencyMs = Map(FieldLimits.Stages, new LatencyPercentiles(double.MaxValue, double.MaxValue, double.MaxValue), FieldLimits.IdLength, Wide),
            Drops = Map(FieldLimits.Stages, long.MaxValue, FieldLimits.IdLength, Wide),
            Vehicles = Map(FieldLimits.Classes, long.MaxValue, FieldLimits.LabelLength, Wide),
            DeviceId = Text(DeviceIds.MaxLength, 'd'),
        };
        Assert.Null(ContractValidator.FindProblem(longestEvent));
        Assert.Null(ContractValidator.FindProblem(longestStats));

        var eventBytes = JsonSerializer.SerializeToUtf8Bytes(longestEvent, ContractsJsonContext.Default.VehicleEvent);
        var statsBytes = JsonSerializer.SerializeToUtf8Bytes(longestStats, ContractsJsonContext.Default.CameraStats);

        Assert.Null(PayloadLimits.CheckRecord(eventBytes.Length));
        Assert.Null(PayloadLimits.CheckRecord(statsBytes.Length));
        Assert.True(ContractReader.TryReadPayload(new OutboxRecord(1, OutboxKinds.Stats, DateTimeOffset.UnixEpoch, JsonDocument.Parse(statsBytes).RootElement), out _, out var rejection), rejection?.ToString());
    }

    [Fact]
    public void The_record_limit_refuses_one_byte_over_and_accepts_the_limit()
    {
        Assert.Null(PayloadLimits.CheckRecord(PayloadLimits.RecordBytes));
        Assert.Equal(RejectionKind.Oversized, PayloadLimits.CheckRecord(PayloadLimits.RecordBytes + 1)?.Kind);
    }
}
