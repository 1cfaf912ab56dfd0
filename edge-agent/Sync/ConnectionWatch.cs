using MQTTnet;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>Notices that one session's connection went away, and says why.</summary>
internal sealed class ConnectionWatch
{
    // Not disposed: the client may still raise DisconnectedAsync while it is being disposed after the session.
    private readonly CancellationTokenSource _lost = new();
    private MqttClientDisconnectedEventArgs? _disconnect;

    public ConnectionWatch(IMqttClient client)
    {
        client.DisconnectedAsync += e =>
        {
            _disconnect = e;
            _lost.Cancel();
            return Task.CompletedTask;
        };
        if (!client.IsConnected)
            _lost.Cancel();
    }

    /// <summary>Cancelled once the connection is gone.</summary>
    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    /// <summary>The loss as the connection loop reports it; <paramref name="failure"/> is what noticed it, when the broker said nothing.</summary>
    public MqttConnectionLostException LostException(Exception? failure = null) => new(Describe(failure), failure);

    private string Describe(Exception? failure) => _disconnect switch
    {
        { Exception: { } e } disconnect => $"{disconnect.Reason}: {ConnectionTrouble.Describe(e)}",
        { } disconnect => string.IsNullOrEmpty(disconnect.ReasonString) ? disconnect.Reason.ToString() : $"{disconnect.Reason}: {disconnect.ReasonString}",
        null when failure is not null => ConnectionTrouble.Describe(failure),
        _ => "disconnected",
    };
}
