using System.Text;

namespace EdgeMlops.Contracts.Tests;

internal static class Utf8
{
    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);
}
