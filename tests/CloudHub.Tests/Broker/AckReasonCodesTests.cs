using EdgeMlops.CloudHub.Broker;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.CloudHub.Tests.Broker;

public sealed class AckReasonCodesTests
{
    [Theory]
    [InlineData(AckOutcome.Success, 0x00)]
    [InlineData(AckOutcome.PayloadFormatInvalid, 0x99)]
    [InlineData(AckOutcome.NotAuthorized, 0x87)]
    [InlineData(AckOutcome.ImplementationSpecificError, 0x83)]
    [InlineData(AckOutcome.UnspecifiedError, 0x80)]
    [InlineData(AckOutcome.QuotaExceeded, 0x97)]
    public void Both_broker_modes_answer_an_outcome_with_the_same_reason_code(AckOutcome outcome, int code)
    {
        Assert.Equal(code, (int)AckReasonCodes.PubAck(outcome));
        Assert.Equal(code, (int)AckReasonCodes.Received(outcome));
        Assert.True(Enum.IsDefined(AckReasonCodes.PubAck(outcome)));
        Assert.True(Enum.IsDefined(AckReasonCodes.Received(outcome)));
    }

    [Fact]
    public void Named_codes_are_the_ones_devices_act_on()
    {
        Assert.Equal(MqttPubAckReasonCode.PayloadFormatInvalid, AckReasonCodes.PubAck(AckOutcome.PayloadFormatInvalid));
        Assert.Equal(MqttApplicationMessageReceivedReasonCode.NotAuthorized, AckReasonCodes.Received(AckOutcome.NotAuthorized));
    }
}
