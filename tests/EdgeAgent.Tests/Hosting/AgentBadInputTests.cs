using System.IO.Compression;
using EdgeMlops.EdgeAgent.Tests.Support;

namespace EdgeMlops.EdgeAgent.Tests.Hosting;

/// <summary>
/// The real agent process given what a careless operator types: it exits with code 2 naming what is wrong and what
/// was probably meant, instead of running the synthetic camera (and syncing made-up traffic) as if nothing was said.
/// </summary>
public sealed class AgentBadInputTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new("edgemlops-badinput-");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("--camer", "x.mp4", "--camera")]
    [InlineData("--source", "x.mp4", "Source")]
    [InlineData("--durration", "30s", "--duration")]
    [InlineData("--Sync:Pasword=x", null, "--Sync:Password")]
    [InlineData("--Cameras:0:Sourse=x", null, "--Cameras:0:Source")]
    public async Task A_misspelt_option_exits_2_naming_it_and_the_nearest_valid_one(string option, string? value, string suggestion)
    {
        var (code, stderr) = await RunAsync(value is null ? [option] : [option, value]);

        Assert.Equal(2, code);
        Assert.Contains($"unknown option {option.Split('=')[0]}", stderr);
        Assert.Contains($"did you mean", stderr);
        Assert.Contains(suggestion, stderr);
    }

    [Theory]
    [InlineData("--Agent:Duration=abc", "Agent:Duration")]
    [InlineData("--Batching:MaxBatchSize=x", "Batching:MaxBatchSize")]
    [InlineData("--Cameras:0:Proposals=Sometimes", "Cameras:0:Proposals")]
    public async Task A_value_that_does_not_convert_exits_2_naming_the_key(string option, string key)
    {
        var (code, stderr) = await RunAsync([option]);

        Assert.Equal(2, code);
        Assert.Contains($"invalid value", stderr);
        Assert.Contains(key, stderr);
        Assert.DoesNotContain("Unhandled exception", stderr);
    }

    [Fact]
    public async Task A_misspelt_key_in_appsettings_is_refused_naming_the_file()
    {
        // The host reads appsettings.json from the content root; point it at the test's folder.
        var (code, stderr) = await RunAsync(["--contentRoot", _dir.Path], settingsFile: ("appsettings.json", """{ "Sync": { "Enabld": false } }"""));

        Assert.Equal(2, code);
        Assert.Contains("'Sync:Enabld'", stderr);
        Assert.Contains("'Sync:Enabled'", stderr);
    }

    [Fact]
    public async Task A_camera_without_a_source_fails_the_start()
    {
        var (code, stderr) = await RunAsync(["--Cameras:0:Id=east", "--Cameras:1:Id=west", "--Cameras:1:Source=synthetic://highway?seed=1"]);

        Assert.Equal(2, code);
        Assert.Contains("Cameras:0", stderr);
        Assert.Contains("Source is required", stderr);
    }

    [Fact]
    public async Task A_camera_with_a_bad_id_fails_the_start()
    {
        var (code, stderr) = await RunAsync(["--Cameras:0:Id=east/1", "--Cameras:0:Source=synthetic://highway?seed=1"]);

        Assert.Equal(2, code);
        Assert.Contains("'east/1'", stderr);
    }

    [Fact]
    public async Task A_zip_model_leaves_no_extracted_folder_behind_after_a_run_or_a_refused_start()
    {
        var zip = _dir.File("model.zip");
        ZipFile.CreateFromDirectory(Path.Combine(AppContext.BaseDirectory, "models", "vehicle-classifier"), zip);
        var extractions = Directory.CreateDirectory(_dir.File("extractions")).FullName;
        Directory.CreateDirectory(_dir.File("a-directory.db"));

        using (var agent = new AgentProcess(_dir.Path, "--db", _dir.File("agent.db"), "--Sync:Enabled=false", "--duration", "4s",
                   "--model", zip, "--Model:ExtractionDirectory", extractions))
        {
            await agent.WaitForLogAsync("running 1 camera(s)", ExitTimeout);
            Assert.Single(Directory.EnumerateDirectories(extractions)); // the package is in use from there
            Assert.Equal(0, await agent.WaitForExitAsync(ExitTimeout));
        }
        var (refused, _) = await RunAsync(["--model", zip, "--Model:ExtractionDirectory", extractions, "--db", _dir.File("a-directory.db")]);

        Assert.Equal(2, refused);
        Assert.Empty(Directory.EnumerateFileSystemEntries(extractions));
    }

    private async Task<(int Code, string Stderr)> RunAsync(string[] args, (string Name, string Json)? settingsFile = null)
    {
        if (settingsFile is { } file)
            File.WriteAllText(_dir.File(file.Name), file.Json);
        string[] defaults = args.Contains("--db") ? ["--Sync:Enabled=false"] : ["--db", _dir.File("agent.db"), "--Sync:Enabled=false"];
        using var agent = new AgentProcess(_dir.Path, [.. defaults, .. args]);
        return (await agent.WaitForExitAsync(ExitTimeout), agent.Stderr);
    }
}
