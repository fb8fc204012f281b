// The reference web app (webapp/): static files only, deployed by azd to the site tagged
// azd-service-name=web. It calls the function app directly (its CORS allows this site's origin), so
// streamed answers are never buffered by a linked backend; no backend is linked here.
@description('Name of the static web app.')
param name string

@description('Region: Static Web Apps run in a few regions only (the content is served globally).')
@allowed(['centralus', 'eastus2', 'eastasia', 'westeurope', 'westus2'])
param location string

param tags object

@description('Free, or Standard for a custom domain with its own certificate and an SLA.')
@allowed(['Free', 'Standard'])
param sku string = 'Free'

resource site 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  sku: {
    name: sku
    tier: sku
  }
  properties: {
    // azd uploads the built files; no repository builds them.
    provider: 'Custom'
    stagingEnvironmentPolicy: 'Disabled'
    allowConfigFileUpdates: true
  }
}

output name string = site.name
output origin string = 'https://${site.properties.defaultHostname}'
