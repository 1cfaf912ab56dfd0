using System.Text.Json;
using EdgeMlops.CloudHub.Tests.Cli;

namespace EdgeMlops.CloudHub.Tests.Registry;

public sealed class ModelRegistryCommandsTests
{
    [Fact]
    public async Task Register_stores_the_bundled_package_and_list_alias_and_history_show_it()
    {
        using var temp = new TempDirectory();
        var db = temp.File("hub.db");

        var (code, output, error) = await CliRunner.RunAsync("model", "register", RepositoryPaths.SeedModel, "--notes", "from the cli", "--db", db);
        Assert.True(code == 0, error);
        using var registered = JsonDocument.Parse(output);
        Assert.Equal("1.0.0", registered.RootElement.GetProperty("version").GetString());
        Assert.True(registered.RootElement.GetProperty("created").GetBoolean());

        Assert.Equal(0, (await CliRunner.RunAsync("model", "alias", "set", "vehicle-classifier", "production", "1.0.0", "--reason", "first", "--db", db)).ExitCode);
        var (_, list, _) = await CliRunner.RunAsync("model", "list", "--db", db);
        using var line = JsonDocument.Parse(list.Trim());
        Assert.Equal("from the cli", line.RootElement.GetProperty("notes").GetString());
        Assert.Equal(["production"], line.RootElement.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        var (_, history, _) = await CliRunner.RunAsync("model", "alias", "history", "vehicle-classifier", "--db", db);
        using var move = JsonDocument.Parse(history.Trim());
        Assert.Equal("first", move.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Register_refuses_a_tampered_package_naming_the_check_and_the_file()
    {
        using var temp = new TempDirectory();
        var package = TestPackages.Write(temp.File("pkg"));
        var model = Path.Combine(package, "model.onnx");
        var bytes = File.ReadAllBytes(model);
        bytes[bytes.Length / 3] ^= 0x10;
        File.WriteAllBytes(model, bytes);

        var (code, output, _) = await CliRunner.RunAsync("model", "register", package, "--db", temp.File("hub.db"));

        Assert.Equal(1, code);
        Assert.Contains("files check failed on model.onnx", output);
    }

    [Fact]
    public async Task Fleet_key_export_writes_the_same_public_key_every_time()
    {
        using var temp = new TempDirectory();
        var db = temp.File("hub.db");

        var (code, first, _) = await CliRunner.RunAsync("fleet-key", "export", "--db", db);
        var (_, second, _) = await CliRunner.RunAsync("fleet-key", "export", "--db", db);

        Assert.Equal(0, code);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", first);
        Assert.Equal(first, second);
    }
}
