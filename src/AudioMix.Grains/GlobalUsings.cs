global using AudioMix.Abstractions.Datasets;
global using AudioMix.Abstractions.Jobs;
global using Microsoft.Extensions.Logging;
global using Orleans;
global using Orleans.Runtime;
global using AudioMix.Abstractions;
