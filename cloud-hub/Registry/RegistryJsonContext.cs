using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeMlops.CloudHub.Registry;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AliasMovedDetail))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
