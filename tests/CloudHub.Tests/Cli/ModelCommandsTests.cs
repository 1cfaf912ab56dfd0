using System.Text.Json;

namespace EdgeMlops.CloudHub.Tests.Cli;

public sealed class ModelCommandsTests
{
    [Fact]
    public async Task Verify_accepts_the_bundled_seed_model_with_one_line()
    {
        var (code, output, _) = await CliRunner.RunAsync("model", "verify", RepositoryPaths.SeedModel);

        Assert.Equal(0, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("OK vehicle-classifier", line);
    }

    [Fact]
    public async Task Verify_rejects_a_tampered_model_and_names_the_file()
    {
        using var temp = new TempDirectory();
        var copy = temp.File("pkg");
        CopyDirectory(RepositoryPaths.SeedModel, copy);
        var model = Path.Combine(copy, "model.onnx");
        var bytes = File.ReadAllBytes(model);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(model, bytes);

        var (code, output, _) = await CliRunner.RunAsync("model", "verify", copy);

        Assert.Equal(1, code);
        Assert.Contains("FileTampered", output);
        Assert.Contains("model.onnx", output);
    }

    [Fact]
    public async Task Verify_reads_the_zip_form()
    {
        using var temp = new TempDirectory();
        var zip = temp.File("seed.zip");
        EdgeMlops.Packaging.ModelPackageArchive.Pack(RepositoryPaths.SeedModel, zip);

        var (code, output, _) = await CliRunner.RunAsync("model", "verify", zip);

        Assert.Equal(0, code);
        Assert.StartsWith("OK", output);
    }

    [Fact]
    public async Task Inspect_json_prints_the_manifest_with_labels_and_per_condition_metrics()
    {
        var (code, output, _) = await CliRunner.RunAsync("model", "inspect", RepositoryPaths.SeedModel, "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var labels = json.RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["car", "van", "truck", "bus", "motorcycle"], labels);
        var conditions = json.RootElement.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("condition").GetString()).ToList();
        Assert.Equal(["day", "dusk", "night", "rain", "fog"], conditions);
    }

    [Fact]
    public async Task Inspect_text_shows_input_and_metrics_table()
    {
        var (code, output, _) = await CliRunner.RunAsync("model", "inspect", RepositoryPaths.SeedModel);

        Assert.Equal(0, code);
        Assert.Contains("labels:  car, van, truck, bus, motorcycle", output);
        Assert.Contains("synthetic-day-seed-", output);
    }

    [Theory]
    [InlineData("model", "frobnicate")]
    [InlineData("nothing")]
    public async Task Unknown_commands_print_usage_and_exit_non_zero(params string[] args)
    {
        var (code, _, error) = await CliRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains("usage: cloud-hub", error);
    }

    [Fact]
    public async Task Bad_arguments_print_the_command_usage_and_exit_2()
    {
        var (code, _, error) = await CliRunner.RunAsync("model", "verify", RepositoryPaths.SeedModel, "--trsut", "x");

        Assert.Equal(2, code);
        Assert.Contains("--trsut", error);
        Assert.Contains("usage: cloud-hub model verify", error);
    }

    [Fact]
    public async Task Bootstrap_without_out_is_a_usage_error()
    {
        var (code, _, error) = await CliRunner.RunAsync("model", "bootstrap", "--seed", "3");

        Assert.Equal(2, code);
        Assert.Contains("--out", error);
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
