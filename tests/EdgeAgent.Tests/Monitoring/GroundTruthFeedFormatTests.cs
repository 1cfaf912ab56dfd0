using EdgeMlops.EdgeAgent.Monitoring;

namespace EdgeMlops.EdgeAgent.Tests.Monitoring;

public sealed class GroundTruthFeedFormatTests
{
    [Fact]
    public void A_counter_line_gives_the_class_counts_of_its_window()
    {
        var entry = GroundTruthFeedFormat.Parse(
            """{"camera":"cam1","from":"2026-12-04T10:00:00Z","to":"2026-12-04T11:15:00+01:00","counts":{"car":12,"van":3}}""", out var problem);

        var counts = Assert.IsType<FeedCounts>(entry);
        Assert.Null(problem);
        Assert.Equal("cam1", counts.Camera);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero), counts.From);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 10, 15, 0, TimeSpan.Zero), counts.To);
        Assert.Equal(12, counts.Counts["car"]);
        Assert.Equal(3, counts.Counts["van"]);
    }

    [Fact]
    public void A_label_line_gives_the_label_of_the_vehicle_seen_at_its_time()
    {
        var label = Assert.IsType<FeedLabel>(GroundTruthFeedFormat.Parse("""{"camera":"cam1","time":"2026-12-04T10:00:03.25Z","label":"not-a-vehicle"}""", out _));

        Assert.Equal(new DateTimeOffset(2026, 12, 4, 10, 0, 3, 250, TimeSpan.Zero), label.Time);
        Assert.Equal("not-a-vehicle", label.Label);
    }

    [Theory]
    [InlineData("{\"camera\":\"cam1\",\"time\":\"2026", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"time\":\"2026-12-04T10:00:00Z\",\"label\":\"car\"}", "\"camera\" is missing")]
    [InlineData("{\"camera\":\"cam1\",\"time\":\"2026-12-04T10:00:00\",\"label\":\"car\"}", "\"time\" is missing or not a date-time with an offset")]
    [InlineData("{\"camera\":\"cam1\",\"time\":\"2026-12-04T10:00:00Z\",\"label\":\"\"}", "\"label\" is not a non-empty string")]
    [InlineData("{\"camera\":\"cam1\",\"from\":\"2026-12-04T10:00:00Z\",\"to\":\"2026-12-04T09:00:00Z\",\"counts\":{}}", "\"to\" is not after \"from\"")]
    [InlineData("{\"camera\":\"cam1\",\"from\":\"2026-12-04T10:00:00Z\",\"to\":\"2026-12-04T11:00:00Z\",\"counts\":{\"car\":-1}}", "counts[\"car\"] is not a whole number")]
    [InlineData("{\"camera\":\"cam1\",\"from\":\"2026-12-04T10:00:00Z\",\"to\":\"2026-12-04T11:00:00Z\",\"counts\":{\"car\":1.5}}", "counts[\"car\"] is not a whole number")]
    [InlineData("{\"camera\":\"cam1\"}", "neither \"counts\"")]
    public void A_bad_line_is_refused_with_the_field_it_gets_wrong(string line, string expected)
    {
        Assert.Null(GroundTruthFeedFormat.Parse(line, out var problem));
        Assert.Contains(expected, problem);
    }
}
