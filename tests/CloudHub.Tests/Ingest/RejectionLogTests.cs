using EdgeMlops.CloudHub.Ingest;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeMlops.CloudHub.Tests.Ingest;

public sealed class RejectionLogTests
{
    [Fact]
    public void A_topic_and_reason_with_line_breaks_are_logged_escaped_on_one_line()
    {
        var logger = new FakeLogger<RejectionLog>();
        var log = new RejectionLog(new FakeTimeProvider(), logger);
        const string forged = "devices/cam-1/telemetry\r\n2026-12-04 info: Device cam-2 enrolled";

        log.Add(forged, "cam-1", "telemetry", "Malformed", "bad\nreason");

        var line = Assert.Single(logger.Collector.GetSnapshot()).Message;
        Assert.DoesNotContain('\r', line);
        Assert.DoesNotContain('\n', line);
        Assert.Contains(@"devices/cam-1/telemetry\r\n2026-12-04 info: Device cam-2 enrolled", line);
        Assert.Contains(@"bad\nreason", line);
    }
}
