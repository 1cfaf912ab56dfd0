using Microsoft.Extensions.DependencyInjection;

namespace EdgeMlops.Configuration;

/// <summary>
/// A configuration section a host binds to an options class: registered beside the binding, so that
/// <see cref="ConfigurationKeys"/> knows every key the host reads without a hand-kept list.
/// </summary>
/// <param name="Path">The section, e.g. <c>Sync</c> or <c>Hub:Store</c>.</param>
/// <param name="OptionsType">The class bound to it; a list type (<c>List&lt;CameraOptions&gt;</c>) for indexed sections.</param>
public sealed record BoundSection(string Path, Type OptionsType);

public static class BoundSectionServiceCollectionExtensions
{
    /// <summary>Declares that <paramref name="path"/> is bound to <typeparamref name="T"/>: its properties are valid keys.</summary>
    public static IServiceCollection AddBoundSection<T>(this IServiceCollection services, string path)
    {
        if (!services.Any(d => d.ImplementationInstance is BoundSection s && string.Equals(s.Path, path, StringComparison.OrdinalIgnoreCase)))
            services.AddSingleton(new BoundSection(path, typeof(T)));
        return services;
    }

    /// <summary>The sections declared with <see cref="AddBoundSection{T}"/>.</summary>
    public static IReadOnlyList<BoundSection> BoundSections(this IServiceCollection services) =>
        services.Select(d => d.ImplementationInstance).OfType<BoundSection>().ToList();
}
