-- Argo CD health check for the poolbridge.io kinds ResourcePool, Framework and Workload (one script
-- for all three). It reads the conditions the operator writes as kstatus has them: Stalled=True is
-- Degraded (nothing moves until someone changes something), Reconciling=True is Progressing (the
-- operator works toward the spec), Ready=True is Healthy (Suspended for a Workload whose schedule is
-- suspended). A status of an older generation, or none yet, is Progressing.
-- Installed through argocd-cm: see docs/gitops.md. Tested by ArgoHealthLuaTest.
local hs = {}

local function condition(type)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function says(c)
  local reason = c.reason or c.type
  if c.message ~= nil and c.message ~= "" then
    return reason .. ": " .. c.message
  end
  return reason
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the poolbridge operator to write a status"
  return hs
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
if generation ~= nil and obj.status.observedGeneration ~= nil and obj.status.observedGeneration ~= generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the poolbridge operator to observe generation " .. generation
  return hs
end

local stalled = condition("Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = says(stalled)
  return hs
end

local reconciling = condition("Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = says(reconciling)
  return hs
end

local ready = condition("Ready")
if ready ~= nil and ready.status == "True" then
  if obj.status.phase == "Suspended" then
    hs.status = "Suspended"
  else
    hs.status = "Healthy"
  end
  hs.message = says(ready)
  local degraded = condition("Degraded")
  if degraded ~= nil and degraded.status == "True" then
    hs.message = hs.message .. "; " .. says(degraded)
  end
  return hs
end

hs.status = "Progressing"
if ready ~= nil then
  hs.message = says(ready)
else
  hs.message = "Waiting for the poolbridge operator to report readiness"
end
return hs
