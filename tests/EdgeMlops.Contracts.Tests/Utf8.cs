using System.Text;

namespace EdgeMlops.Contracts.Tests;

internal static class Utf8
{
    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    public static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);
}
