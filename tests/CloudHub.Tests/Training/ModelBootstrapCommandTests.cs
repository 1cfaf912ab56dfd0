using EdgeMlops.CloudHub.Cli;
using EdgeMlops.CloudHub.Cli.Commands;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMlops.CloudHub.Tests.Training;

public sealed class ModelBootstrapCommandTests
{
    [Theory]
    [InlineData("--labels car,tractor", "'tractor' is not a synthetic vehicle class")]
    [InlineData("--labels car,car", "at least two different labels")]
    [InlineData("--backbone pyramid --input-size 100", "multiples of 16")]
    [InlineData("--backbone hog --input-size 96", "64x64 only")]
    [InlineData("--gate 1.5", "--gate '1.5'")]
    [InlineData("--certainty-threshold 2", "--certainty-threshold '2'")]
    [InlineData("--certainty-threshold high", "--certainty-threshold 'high'")]
    [InlineData("--backbone vgg", "Unknown --backbone 'vgg'")]
    public async Task Bad_options_are_refused_before_any_training_naming_the_option(string options, string expected)
    {
        using var temp = new TempDirectory();
        var words = new[] { "--out", temp.File("package"), "--key", Path.Combine(RepositoryPaths.Keys, "dev-signing.key.pem") }
            .Concat(options.Split(' '));
        var arguments = CommandArguments.Parse(words, "force", "scramble-head");

        var error = await Assert.ThrowsAsync<UsageException>(() =>
            new ModelBootstrapCommand(NullLoggerFactory.Instance).RunAsync(arguments, TextWriter.Null, CancellationToken.None));

        Assert.Contains(expected, error.Message);
        Assert.False(Directory.Exists(temp.File("package")));
    }
}
