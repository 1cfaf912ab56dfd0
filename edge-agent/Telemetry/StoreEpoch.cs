using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>Draws the epoch of a new store file.</summary>
internal static class StoreEpoch
{
    // Kept within 2^53 so that the epoch survives JSON readers that hold numbers as doubles (dashboards, jq).
    private const long MaxEpoch = (1L << 53) - 1;

    /// <summary>A random epoch in 1..2^53-1.</summary>
    public static long NewEpoch()
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        long epoch;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            epoch = BinaryPrimitives.ReadInt64LittleEndian(bytes) & MaxEpoch;
        }
        while (epoch == 0);
        return epoch;
    }
}
