using System.Net;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// Counts the embedded broker's open sockets, in all and per source address, and refuses one over either cap, so
/// a single host (or a flood of them) cannot take every socket and buffer the hub has.
/// </summary>
public sealed class ConnectionGate(int maxConnections, int maxPerAddress)
{
    private readonly Dictionary<IPAddress, int> _perAddress = [];
    private int _total;

    /// <summary>Takes a place for a socket from <paramref name="address"/>; <see cref="ConnectionRefusal.None"/> when taken (give it back with <see cref="Leave"/>).</summary>
    public ConnectionRefusal TryEnter(IPAddress address)
    {
        lock (_perAddress)
        {
            if (_total >= maxConnections)
                return ConnectionRefusal.TooManyConnections;
            var fromAddress = _perAddress.GetValueOrDefault(address);
            if (fromAddress >= maxPerAddress)
                return ConnectionRefusal.TooManyFromAddress;
            _perAddress[address] = fromAddress + 1;
            _total++;
            return ConnectionRefusal.None;
        }
    }

    public void Leave(IPAddress address)
    {
        lock (_perAddress)
        {
            _total--;
            if (_perAddress.TryGetValue(address, out var n) && n > 1)
                _perAddress[address] = n - 1;
            else
                _perAddress.Remove(address);
        }
    }
}
