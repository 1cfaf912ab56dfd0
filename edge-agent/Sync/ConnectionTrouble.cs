using Microsoft.Extensions.Logging;
using MQTTnet;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Logs failed connection attempts without flooding: the first one of an outage as a warning (an error when the broker
/// refused the credentials) with the broker and the reason, the following ones at debug level with a count, a reminder
/// now and then, and one line when the connection is back.
/// </summary>
internal sealed class ConnectionTrouble(SyncConnectionSettings settings, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan RemindEvery = TimeSpan.FromMinutes(5);

    private int _failures;
    private DateTimeOffset _remindedAt;

    public void Failed(Exception failure) => Failed(Describe(failure), refusedCredentials: false);

    public void Refused(MqttClientConnectResult result)
    {
        var credentials = result.ResultCode is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized;
        var reason = string.IsNullOrEmpty(result.ReasonString) ? result.ResultCode.ToString() : $"{result.ResultCode}: {result.ReasonString}";
        Failed(credentials
            ? $"the broker refused the credentials of user '{settings.Username}' ({reason}); check {settings.CredentialKeys}"
            : $"the broker refused the connection ({reason})", credentials);
    }

    public void Connected()
    {
        if (_failures > 0)
            logger.LogInformation("Connected to broker {Broker} after {Failures} failed attempts", settings.Broker, _failures);
        _failures = 0;
    }

    private void Failed(string reason, bool refusedCredentials)
    {
        _failures++;
        var now = time.GetUtcNow();
        if (_failures == 1 || now - _remindedAt >= RemindEvery)
        {
            _remindedAt = now;
            var level = refusedCredentials ? LogLevel.Error : LogLevel.Warning;
            if (_failures == 1)
                logger.Log(level, "Cannot connect to broker {Broker}: {Reason}. Telemetry stays in the outbox; retrying with backoff", settings.Broker, reason);
            else
                logger.Log(level, "Still cannot connect to broker {Broker} after {Failures} attempts: {Reason}", settings.Broker, _failures, reason);
            return;
        }
        logger.LogDebug("Connection attempt {Failures} to broker {Broker} failed: {Reason}", _failures, settings.Broker, reason);
    }

    /// <summary>The exception's message with those of its causes, which is where sockets and TLS say what really happened.</summary>
    public static string Describe(Exception failure)
    {
        var parts = new List<string>();
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (!string.IsNullOrWhiteSpace(e.Message) && !parts.Contains(e.Message))
                parts.Add(e.Message);
        }
        return parts.Count == 0 ? failure.GetType().Name : string.Join(" <- ", parts);
    }
}
