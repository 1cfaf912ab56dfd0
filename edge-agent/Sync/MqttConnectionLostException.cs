namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>The broker connection went away during a session; the loop reconnects.</summary>
internal sealed class MqttConnectionLostException(string reason, Exception? innerException) : Exception(reason, innerException);
