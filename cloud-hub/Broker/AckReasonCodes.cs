using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// The MQTT 5 PUBACK reason code for each <see cref="AckOutcome"/>: one table for both broker modes, the embedded
/// broker answering the device itself and the external broker's client answering the broker, which tells the device.
/// </summary>
public static class AckReasonCodes
{
    /// <summary>The reason code's value on the wire.</summary>
    public static byte Of(AckOutcome outcome) => outcome switch
    {
        AckOutcome.Success => 0x00,
        AckOutcome.PayloadFormatInvalid => 0x99,
        AckOutcome.NotAuthorized => 0x87,
        AckOutcome.ImplementationSpecificError => 0x83,
        AckOutcome.QuotaExceeded => 0x97,
        _ => 0x80, // unspecified error: not stored, the device sends it again
    };

    /// <summary>What the embedded broker puts in the device's PUBACK.</summary>
    public static MqttPubAckReasonCode PubAck(AckOutcome outcome) => (MqttPubAckReasonCode)Of(outcome);

    /// <summary>What the hub's client acknowledges a message of the external broker with.</summary>
    public static MqttApplicationMessageReceivedReasonCode Received(AckOutcome outcome) => (MqttApplicationMessageReceivedReasonCode)Of(outcome);
}
