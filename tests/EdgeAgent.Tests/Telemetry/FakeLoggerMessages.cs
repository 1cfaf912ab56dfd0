using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

internal static class FakeLoggerMessages
{
    /// <summary>The messages logged at <paramref name="level"/> so far, oldest first.</summary>
    public static IEnumerable<string> At(this FakeLogger logger, LogLevel level) =>
        logger.Collector.GetSnapshot().Where(r => r.Level == level).Select(r => r.Message);
}
