using System.Net;
using EdgeMlops.CloudHub.Broker;

namespace EdgeMlops.CloudHub.Tests.Broker;

public sealed class ConnectionGateTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1"), B = IPAddress.Parse("10.0.0.2"), C = IPAddress.Parse("10.0.0.3");

    [Fact]
    public void An_address_over_its_cap_is_refused_while_others_still_get_in_until_the_total_cap()
    {
        var gate = new ConnectionGate(maxConnections: 3, maxPerAddress: 2);

        Assert.Equal(ConnectionRefusal.None, gate.TryEnter(A));
        Assert.Equal(ConnectionRefusal.None, gate.TryEnter(A));
        Assert.Equal(ConnectionRefusal.TooManyFromAddress, gate.TryEnter(A));
        Assert.Equal(ConnectionRefusal.None, gate.TryEnter(B));
        Assert.Equal(ConnectionRefusal.TooManyConnections, gate.TryEnter(C));
    }

    [Fact]
    public void A_closed_connection_gives_its_place_back()
    {
        var gate = new ConnectionGate(maxConnections: 1, maxPerAddress: 1);
        Assert.Equal(ConnectionRefusal.None, gate.TryEnter(A));

        gate.Leave(A);

        Assert.Equal(ConnectionRefusal.None, gate.TryEnter(B));
    }
}
