using System.Text.Json;
using System.Text.Json.Serialization;

namespace MetaAdsSync.Storage.Entities;

/// <summary>
/// The serializer code of the saga's jsonb documents (<see cref="AccountSyncStateMap"/>), generated at build time: the
/// saga writes its ledger once per event and reads it back once more from <see cref="AccountSyncStateMap"/>'s JSON, and
/// with reflection that was ~13 % of the Orchestrator's CPU in the latency-bound scale bench (<c>perf</c>), besides the
/// run-time code generation a restarted host paid in its first event. The web defaults, as before: the same documents.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RunLedger))]
[JsonSerializable(typeof(RunPlanSummary))]
partial class SagaDocumentsJson : JsonSerializerContext;
