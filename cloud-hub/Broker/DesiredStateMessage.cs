using System.Text.Json;
using EdgeMlops.Contracts;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>Turns a <see cref="DesiredState"/> into its MQTT message: retained, QoS 1, on the device's desired topic.</summary>
public static class DesiredStateMessage
{
    public static MqttApplicationMessage Create(DesiredState state)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(state, ContractsJsonContext.Default.DesiredState);
        if (PayloadLimits.Check(DeviceChannel.Desired, payload.Length) is { } rejection)
            throw new ArgumentException($"The desired state of device {state.DeviceId} is too large: {rejection.Reason}.", nameof(state));
        return new MqttApplicationMessageBuilder()
            .WithTopic(Topics.Desired(state.DeviceId))
            .WithPayload(payload)
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();
    }
}
