using EdgeMlops.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Hosting;

/// <summary>An options section that lists its own problems, each a sentence naming its configuration key.</summary>
public interface IOptionsWithProblems
{
    /// <summary>Every setting that is out of range; empty when all are fine.</summary>
    IReadOnlyList<string> FindProblems();
}

/// <summary>Fails options whose <see cref="IOptionsWithProblems.FindProblems"/> lists anything, with every problem in the failure.</summary>
public sealed class OptionsProblemsValidator<T> : IValidateOptions<T> where T : class, IOptionsWithProblems
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = options.FindProblems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

public static class ValidatedOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it when the host starts: a bad value
    /// stops the agent with an <see cref="OptionsValidationException"/> naming the key (exit code 2) before anything runs.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, IOptionsWithProblems
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, OptionsProblemsValidator<T>>());
        services.AddBoundSection<T>(section);
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }
}
