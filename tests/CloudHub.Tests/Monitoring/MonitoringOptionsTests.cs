using EdgeMlops.CloudHub.Monitoring;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Tests.Monitoring;

public sealed class MonitoringOptionsTests
{
    [Theory]
    [InlineData("MaxBuckets", "0")]
    [InlineData("MaxMetricSeries", "-1")]
    [InlineData("MetricSeriesTtl", "00:00:00")]
    public async Task A_value_that_cannot_work_stops_the_start_naming_its_key(string key, string value)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            InProcessHub.StartAsync(settings: new Dictionary<string, string?> { [$"{MonitoringOptions.Section}:{key}"] = value }));

        Assert.Contains($"{MonitoringOptions.Section}:{key}", failure.Message);
    }

    [Fact]
    public void A_misspelt_key_is_refused()
    {
        var failure = Assert.Throws<ConfigurationKeyException>(() =>
            new InProcessHub(settings: new Dictionary<string, string?> { [$"{MonitoringOptions.Section}:MaxBucket"] = "10" }));

        Assert.Contains("MaxBuckets", failure.Message);
    }
}
