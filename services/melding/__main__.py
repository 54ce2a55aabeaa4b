from services.melding.app import service

service.run()
