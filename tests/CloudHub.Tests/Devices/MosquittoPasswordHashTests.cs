using System.Diagnostics;
using EdgeMlops.CloudHub.Devices;

namespace EdgeMlops.CloudHub.Tests.Devices;

public sealed class MosquittoPasswordHashTests
{
    private const string MosquittoPasswd = "/usr/bin/mosquitto_passwd";

    [Fact]
    public void A_hash_written_by_mosquitto_passwd_verifies()
    {
        Assert.True(File.Exists(MosquittoPasswd), $"{MosquittoPasswd} is needed (Debian package mosquitto)");
        using var temp = new TempDirectory();
        var secret = DeviceSecrets.Create();
        var file = temp.File("passwords");

        Run(MosquittoPasswd, "-b", "-c", file, "box-1", secret);

        var line = Assert.Single(File.ReadAllLines(file));
        var hash = line["box-1:".Length..];
        Assert.StartsWith("$7$", hash);
        Assert.True(MosquittoPasswordHash.Verify(secret, hash));
        Assert.False(MosquittoPasswordHash.Verify(secret[..^1], hash));
    }

    [Fact]
    public void Our_hash_has_the_layout_mosquitto_reads()
    {
        var hash = MosquittoPasswordHash.Create("secret");

        Assert.True(MosquittoPasswordHash.TryParse(hash, out var iterations, out var salt, out var digest));
        Assert.Equal(101, iterations);
        Assert.Equal(12, salt.Length);
        Assert.Equal(64, digest.Length);
        Assert.Matches(@"^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$", hash);
    }

    [Fact]
    public void A_known_mosquitto_vector_verifies()
    {
        // Written by mosquitto_passwd 2.0.11 for the password "hello".
        const string hash = "$7$101$wldPeWdbIyXnJ4B7$2iT//nCtEglKgVrnTff0KB2y5u0wTDZ/Xj1p+sP0U2b/PszVg0dhWX8jgNoDDL3qNUxho8nYa5JraJ++/JhrjQ==";

        Assert.True(MosquittoPasswordHash.Verify("hello", hash));
        Assert.False(MosquittoPasswordHash.Verify("Hello", hash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("$7$101$c2FsdA==$aGFzaA==")] // salt and hash of the wrong size
    [InlineData("$7$0$wldPeWdbIyXnJ4B7$2iT//nCtEglKgVrnTff0KB2y5u0wTDZ/Xj1p+sP0U2b/PszVg0dhWX8jgNoDDL3qNUxho8nYa5JraJ++/JhrjQ==")]
    [InlineData("$7$101$not base64!!$2iT//nCtEglKgVrnTff0KB2y5u0wTDZ/Xj1p+sP0U2b/PszVg0dhWX8jgNoDDL3qNUxho8nYa5JraJ++/JhrjQ==")]
    public void An_unreadable_hash_never_verifies(string hash) =>
        Assert.False(MosquittoPasswordHash.Verify("hello", hash));

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{file} did not finish");
        }
        Assert.True(process.ExitCode == 0, $"{file} failed: {error.Result}");
    }
}
